from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.replay_record import ReplayRecord
from ...types import Response


def _get_kwargs(
    id: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/replays/{id}/cancel".format(
            id=quote(str(id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | ReplayRecord | None:
    if response.status_code == 200:
        response_200 = ReplayRecord.from_dict(response.json())

        return response_200

    if response.status_code == 202:
        response_202 = ReplayRecord.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())

        return response_409

    if response.status_code == 503:
        response_503 = ErrorBody.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorBody | ReplayRecord]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: int,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorBody | ReplayRecord]:
    """Cancels a running (or queued) replay, whichever replica runs it: it stops within a few
    thousand steps of computation and is recorded `failed` with the error `cancelled` (a replay
    running in another replica stops at that replica's next heartbeat, a tenth of
    `--replay-lease`). The answer waits up to 5 s for that: 200 with the final record, or 202 with
    the record still `running` if it took longer (poll `GET /v1/replays/{id}`). A finished replay
    is kept (409); cancelling needs `evaluate`, like starting one. An action rather than `DELETE`:
    the replay's record stays.

    Args:
        id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ReplayRecord]
    """

    kwargs = _get_kwargs(
        id=id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: int,
    *,
    client: AuthenticatedClient,
) -> ErrorBody | ReplayRecord | None:
    """Cancels a running (or queued) replay, whichever replica runs it: it stops within a few
    thousand steps of computation and is recorded `failed` with the error `cancelled` (a replay
    running in another replica stops at that replica's next heartbeat, a tenth of
    `--replay-lease`). The answer waits up to 5 s for that: 200 with the final record, or 202 with
    the record still `running` if it took longer (poll `GET /v1/replays/{id}`). A finished replay
    is kept (409); cancelling needs `evaluate`, like starting one. An action rather than `DELETE`:
    the replay's record stays.

    Args:
        id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ReplayRecord
    """

    return sync_detailed(
        id=id,
        client=client,
    ).parsed


async def asyncio_detailed(
    id: int,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorBody | ReplayRecord]:
    """Cancels a running (or queued) replay, whichever replica runs it: it stops within a few
    thousand steps of computation and is recorded `failed` with the error `cancelled` (a replay
    running in another replica stops at that replica's next heartbeat, a tenth of
    `--replay-lease`). The answer waits up to 5 s for that: 200 with the final record, or 202 with
    the record still `running` if it took longer (poll `GET /v1/replays/{id}`). A finished replay
    is kept (409); cancelling needs `evaluate`, like starting one. An action rather than `DELETE`:
    the replay's record stays.

    Args:
        id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ReplayRecord]
    """

    kwargs = _get_kwargs(
        id=id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: int,
    *,
    client: AuthenticatedClient,
) -> ErrorBody | ReplayRecord | None:
    """Cancels a running (or queued) replay, whichever replica runs it: it stops within a few
    thousand steps of computation and is recorded `failed` with the error `cancelled` (a replay
    running in another replica stops at that replica's next heartbeat, a tenth of
    `--replay-lease`). The answer waits up to 5 s for that: 200 with the final record, or 202 with
    the record still `running` if it took longer (poll `GET /v1/replays/{id}`). A finished replay
    is kept (409); cancelling needs `evaluate`, like starting one. An action rather than `DELETE`:
    the replay's record stays.

    Args:
        id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ReplayRecord
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
        )
    ).parsed
