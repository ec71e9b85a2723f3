from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.stored_verdict import StoredVerdict
from ...models.verdict_request import VerdictRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    key: str,
    *,
    body: VerdictRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/deployments/{key}/verdicts".format(
            key=quote(str(key), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | StoredVerdict | None:
    if response.status_code == 200:
        response_200 = StoredVerdict.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorBody.from_dict(response.json())

        return response_415

    if response.status_code == 503:
        response_503 = ErrorBody.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorBody | StoredVerdict]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    key: str,
    *,
    client: AuthenticatedClient,
    body: VerdictRequest | Unset = UNSET,
) -> Response[ErrorBody | StoredVerdict]:
    """The same as `POST`, for Argo Rollouts' web metric provider with `method: PUT` (it allows GET,
    POST and PUT): evaluates, records and returns the verdict.

    Args:
        key (str):
        body (VerdictRequest | Unset): Options for one evaluation of a deployment's stored series;
            the body may be empty.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | StoredVerdict]
    """

    kwargs = _get_kwargs(
        key=key,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    key: str,
    *,
    client: AuthenticatedClient,
    body: VerdictRequest | Unset = UNSET,
) -> ErrorBody | StoredVerdict | None:
    """The same as `POST`, for Argo Rollouts' web metric provider with `method: PUT` (it allows GET,
    POST and PUT): evaluates, records and returns the verdict.

    Args:
        key (str):
        body (VerdictRequest | Unset): Options for one evaluation of a deployment's stored series;
            the body may be empty.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | StoredVerdict
    """

    return sync_detailed(
        key=key,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    key: str,
    *,
    client: AuthenticatedClient,
    body: VerdictRequest | Unset = UNSET,
) -> Response[ErrorBody | StoredVerdict]:
    """The same as `POST`, for Argo Rollouts' web metric provider with `method: PUT` (it allows GET,
    POST and PUT): evaluates, records and returns the verdict.

    Args:
        key (str):
        body (VerdictRequest | Unset): Options for one evaluation of a deployment's stored series;
            the body may be empty.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | StoredVerdict]
    """

    kwargs = _get_kwargs(
        key=key,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    key: str,
    *,
    client: AuthenticatedClient,
    body: VerdictRequest | Unset = UNSET,
) -> ErrorBody | StoredVerdict | None:
    """The same as `POST`, for Argo Rollouts' web metric provider with `method: PUT` (it allows GET,
    POST and PUT): evaluates, records and returns the verdict.

    Args:
        key (str):
        body (VerdictRequest | Unset): Options for one evaluation of a deployment's stored series;
            the body may be empty.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | StoredVerdict
    """

    return (
        await asyncio_detailed(
            key=key,
            client=client,
            body=body,
        )
    ).parsed
