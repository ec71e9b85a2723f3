from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.decision import Decision
from ...models.deployment_page import DeploymentPage
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    service: str | Unset = UNSET,
    environment: str | Unset = UNSET,
    verdict: Decision | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["service"] = service

    params["environment"] = environment

    json_verdict: str | Unset = UNSET
    if not isinstance(verdict, Unset):
        json_verdict = verdict.value

    params["verdict"] = json_verdict

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/deployments",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeploymentPage | ErrorBody | None:
    if response.status_code == 200:
        response_200 = DeploymentPage.from_dict(response.json())

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
) -> Response[DeploymentPage | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    service: str | Unset = UNSET,
    environment: str | Unset = UNSET,
    verdict: Decision | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[DeploymentPage | ErrorBody]:
    """Lists deployments, newest first.

    Args:
        service (str | Unset):
        environment (str | Unset):
        verdict (Decision | Unset): The answer to "should this deployment be rolled back?".
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeploymentPage | ErrorBody]
    """

    kwargs = _get_kwargs(
        service=service,
        environment=environment,
        verdict=verdict,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    service: str | Unset = UNSET,
    environment: str | Unset = UNSET,
    verdict: Decision | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> DeploymentPage | ErrorBody | None:
    """Lists deployments, newest first.

    Args:
        service (str | Unset):
        environment (str | Unset):
        verdict (Decision | Unset): The answer to "should this deployment be rolled back?".
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeploymentPage | ErrorBody
    """

    return sync_detailed(
        client=client,
        service=service,
        environment=environment,
        verdict=verdict,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    service: str | Unset = UNSET,
    environment: str | Unset = UNSET,
    verdict: Decision | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[DeploymentPage | ErrorBody]:
    """Lists deployments, newest first.

    Args:
        service (str | Unset):
        environment (str | Unset):
        verdict (Decision | Unset): The answer to "should this deployment be rolled back?".
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeploymentPage | ErrorBody]
    """

    kwargs = _get_kwargs(
        service=service,
        environment=environment,
        verdict=verdict,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    service: str | Unset = UNSET,
    environment: str | Unset = UNSET,
    verdict: Decision | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> DeploymentPage | ErrorBody | None:
    """Lists deployments, newest first.

    Args:
        service (str | Unset):
        environment (str | Unset):
        verdict (Decision | Unset): The answer to "should this deployment be rolled back?".
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeploymentPage | ErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            service=service,
            environment=environment,
            verdict=verdict,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
