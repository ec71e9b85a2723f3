import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.stored_verdict import StoredVerdict
from ...types import UNSET, Response, Unset


def _get_kwargs(
    key: str,
    *,
    policy: str | Unset = UNSET,
    at: datetime.datetime | Unset = UNSET,
    canary_weight: int | Unset = UNSET,
    max_weight: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["policy"] = policy

    json_at: str | Unset = UNSET
    if not isinstance(at, Unset):
        json_at = at.isoformat()
    params["at"] = json_at

    params["canary_weight"] = canary_weight

    params["max_weight"] = max_weight

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/deployments/{key}/verdict".format(
            key=quote(str(key), safe=""),
        ),
        "params": params,
    }

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
    policy: str | Unset = UNSET,
    at: datetime.datetime | Unset = UNSET,
    canary_weight: int | Unset = UNSET,
    max_weight: int | Unset = UNSET,
) -> Response[ErrorBody | StoredVerdict]:
    """Read-only variant of `POST …/verdicts` for callers that can only GET (e.g. an Argo Rollouts
    web metric left at its default method): the same verdict, not recorded in the audit trail.

    Args:
        key (str):
        policy (str | Unset):
        at (datetime.datetime | Unset):
        canary_weight (int | Unset):
        max_weight (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | StoredVerdict]
    """

    kwargs = _get_kwargs(
        key=key,
        policy=policy,
        at=at,
        canary_weight=canary_weight,
        max_weight=max_weight,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    key: str,
    *,
    client: AuthenticatedClient,
    policy: str | Unset = UNSET,
    at: datetime.datetime | Unset = UNSET,
    canary_weight: int | Unset = UNSET,
    max_weight: int | Unset = UNSET,
) -> ErrorBody | StoredVerdict | None:
    """Read-only variant of `POST …/verdicts` for callers that can only GET (e.g. an Argo Rollouts
    web metric left at its default method): the same verdict, not recorded in the audit trail.

    Args:
        key (str):
        policy (str | Unset):
        at (datetime.datetime | Unset):
        canary_weight (int | Unset):
        max_weight (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | StoredVerdict
    """

    return sync_detailed(
        key=key,
        client=client,
        policy=policy,
        at=at,
        canary_weight=canary_weight,
        max_weight=max_weight,
    ).parsed


async def asyncio_detailed(
    key: str,
    *,
    client: AuthenticatedClient,
    policy: str | Unset = UNSET,
    at: datetime.datetime | Unset = UNSET,
    canary_weight: int | Unset = UNSET,
    max_weight: int | Unset = UNSET,
) -> Response[ErrorBody | StoredVerdict]:
    """Read-only variant of `POST …/verdicts` for callers that can only GET (e.g. an Argo Rollouts
    web metric left at its default method): the same verdict, not recorded in the audit trail.

    Args:
        key (str):
        policy (str | Unset):
        at (datetime.datetime | Unset):
        canary_weight (int | Unset):
        max_weight (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | StoredVerdict]
    """

    kwargs = _get_kwargs(
        key=key,
        policy=policy,
        at=at,
        canary_weight=canary_weight,
        max_weight=max_weight,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    key: str,
    *,
    client: AuthenticatedClient,
    policy: str | Unset = UNSET,
    at: datetime.datetime | Unset = UNSET,
    canary_weight: int | Unset = UNSET,
    max_weight: int | Unset = UNSET,
) -> ErrorBody | StoredVerdict | None:
    """Read-only variant of `POST …/verdicts` for callers that can only GET (e.g. an Argo Rollouts
    web metric left at its default method): the same verdict, not recorded in the audit trail.

    Args:
        key (str):
        policy (str | Unset):
        at (datetime.datetime | Unset):
        canary_weight (int | Unset):
        max_weight (int | Unset):

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
            policy=policy,
            at=at,
            canary_weight=canary_weight,
            max_weight=max_weight,
        )
    ).parsed
