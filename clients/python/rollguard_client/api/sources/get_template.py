from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.get_template_scope import GetTemplateScope
from ...models.template_set import TemplateSet
from ...types import Response


def _get_kwargs(
    scope: GetTemplateScope,
    target: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/templates/{scope}/{target}".format(
            scope=quote(str(scope), safe=""),
            target=quote(str(target), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | TemplateSet | None:
    if response.status_code == 200:
        response_200 = TemplateSet.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

    if response.status_code == 503:
        response_503 = ErrorBody.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorBody | TemplateSet]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    scope: GetTemplateScope,
    target: str,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorBody | TemplateSet]:
    """One template set, with the queries as stored (a preset's included).

    Args:
        scope (GetTemplateScope): Where a template set applies; a narrower one wins, per metric
            and cohort: `deployment` over
            `service` over `environment`.
        target (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | TemplateSet]
    """

    kwargs = _get_kwargs(
        scope=scope,
        target=target,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    scope: GetTemplateScope,
    target: str,
    *,
    client: AuthenticatedClient,
) -> ErrorBody | TemplateSet | None:
    """One template set, with the queries as stored (a preset's included).

    Args:
        scope (GetTemplateScope): Where a template set applies; a narrower one wins, per metric
            and cohort: `deployment` over
            `service` over `environment`.
        target (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | TemplateSet
    """

    return sync_detailed(
        scope=scope,
        target=target,
        client=client,
    ).parsed


async def asyncio_detailed(
    scope: GetTemplateScope,
    target: str,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorBody | TemplateSet]:
    """One template set, with the queries as stored (a preset's included).

    Args:
        scope (GetTemplateScope): Where a template set applies; a narrower one wins, per metric
            and cohort: `deployment` over
            `service` over `environment`.
        target (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | TemplateSet]
    """

    kwargs = _get_kwargs(
        scope=scope,
        target=target,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    scope: GetTemplateScope,
    target: str,
    *,
    client: AuthenticatedClient,
) -> ErrorBody | TemplateSet | None:
    """One template set, with the queries as stored (a preset's included).

    Args:
        scope (GetTemplateScope): Where a template set applies; a narrower one wins, per metric
            and cohort: `deployment` over
            `service` over `environment`.
        target (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | TemplateSet
    """

    return (
        await asyncio_detailed(
            scope=scope,
            target=target,
            client=client,
        )
    ).parsed
