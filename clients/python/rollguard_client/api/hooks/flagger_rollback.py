from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.flagger_payload import FlaggerPayload
from ...models.stored_verdict import StoredVerdict
from ...types import Response


def _get_kwargs(
    *,
    body: FlaggerPayload,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/hooks/flagger/rollback",
    }

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

    if response.status_code == 412:
        response_412 = ErrorBody.from_dict(response.json())

        return response_412

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
    *,
    client: AuthenticatedClient,
    body: FlaggerPayload,
) -> Response[ErrorBody | StoredVerdict]:
    """Flagger `rollback` webhook (asked on each loop whether to roll back now): 200 means "roll
    back now" and is returned only for a `rollback` verdict; otherwise 412.

    Args:
        body (FlaggerPayload): Flagger's webhook payload (`CanaryWebhookPayload`). Unknown fields
            are ignored: the payload
            belongs to Flagger and may grow.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | StoredVerdict]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: FlaggerPayload,
) -> ErrorBody | StoredVerdict | None:
    """Flagger `rollback` webhook (asked on each loop whether to roll back now): 200 means "roll
    back now" and is returned only for a `rollback` verdict; otherwise 412.

    Args:
        body (FlaggerPayload): Flagger's webhook payload (`CanaryWebhookPayload`). Unknown fields
            are ignored: the payload
            belongs to Flagger and may grow.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | StoredVerdict
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: FlaggerPayload,
) -> Response[ErrorBody | StoredVerdict]:
    """Flagger `rollback` webhook (asked on each loop whether to roll back now): 200 means "roll
    back now" and is returned only for a `rollback` verdict; otherwise 412.

    Args:
        body (FlaggerPayload): Flagger's webhook payload (`CanaryWebhookPayload`). Unknown fields
            are ignored: the payload
            belongs to Flagger and may grow.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | StoredVerdict]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: FlaggerPayload,
) -> ErrorBody | StoredVerdict | None:
    """Flagger `rollback` webhook (asked on each loop whether to roll back now): 200 means "roll
    back now" and is returned only for a `rollback` verdict; otherwise 412.

    Args:
        body (FlaggerPayload): Flagger's webhook payload (`CanaryWebhookPayload`). Unknown fields
            are ignored: the payload
            belongs to Flagger and may grow.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | StoredVerdict
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
