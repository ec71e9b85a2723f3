from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.ingest_request import IngestRequest
from ...models.ingest_response import IngestResponse
from ...types import Response


def _get_kwargs(
    key: str,
    *,
    body: IngestRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/deployments/{key}/points".format(
            key=quote(str(key), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | IngestResponse | None:
    if response.status_code == 200:
        response_200 = IngestResponse.from_dict(response.json())

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
) -> Response[ErrorBody | IngestResponse]:
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
    body: IngestRequest,
) -> Response[ErrorBody | IngestResponse]:
    """Stores a batch of points. The deployment is created on first ingest. Re-sending a point with
    the same (metric, cohort, ts) replaces its value and count, so re-sending a batch changes
    nothing. Any bad point rejects the whole batch; `accepted` is returned only once the batch is
    committed.

    Args:
        key (str):
        body (IngestRequest): A batch of points for one deployment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | IngestResponse]
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
    body: IngestRequest,
) -> ErrorBody | IngestResponse | None:
    """Stores a batch of points. The deployment is created on first ingest. Re-sending a point with
    the same (metric, cohort, ts) replaces its value and count, so re-sending a batch changes
    nothing. Any bad point rejects the whole batch; `accepted` is returned only once the batch is
    committed.

    Args:
        key (str):
        body (IngestRequest): A batch of points for one deployment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | IngestResponse
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
    body: IngestRequest,
) -> Response[ErrorBody | IngestResponse]:
    """Stores a batch of points. The deployment is created on first ingest. Re-sending a point with
    the same (metric, cohort, ts) replaces its value and count, so re-sending a batch changes
    nothing. Any bad point rejects the whole batch; `accepted` is returned only once the batch is
    committed.

    Args:
        key (str):
        body (IngestRequest): A batch of points for one deployment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | IngestResponse]
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
    body: IngestRequest,
) -> ErrorBody | IngestResponse | None:
    """Stores a batch of points. The deployment is created on first ingest. Re-sending a point with
    the same (metric, cohort, ts) replaces its value and count, so re-sending a batch changes
    nothing. Any bad point rejects the whole batch; `accepted` is returned only once the batch is
    committed.

    Args:
        key (str):
        body (IngestRequest): A batch of points for one deployment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | IngestResponse
    """

    return (
        await asyncio_detailed(
            key=key,
            client=client,
            body=body,
        )
    ).parsed
