from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.delete_template_scope import DeleteTemplateScope
from ...models.error_body import ErrorBody
from ...types import Response


def _get_kwargs(
    scope: DeleteTemplateScope,
    target: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/templates/{scope}/{target}".format(
            scope=quote(str(scope), safe=""),
            target=quote(str(target), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | ErrorBody | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    scope: DeleteTemplateScope,
    target: str,
    *,
    client: AuthenticatedClient,
) -> Response[Any | ErrorBody]:
    """Deletes a template set; the points it pulled stay.

    Args:
        scope (DeleteTemplateScope): Where a template set applies; a narrower one wins, per metric
            and cohort: `deployment` over
            `service` over `environment`.
        target (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
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
    scope: DeleteTemplateScope,
    target: str,
    *,
    client: AuthenticatedClient,
) -> Any | ErrorBody | None:
    """Deletes a template set; the points it pulled stay.

    Args:
        scope (DeleteTemplateScope): Where a template set applies; a narrower one wins, per metric
            and cohort: `deployment` over
            `service` over `environment`.
        target (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return sync_detailed(
        scope=scope,
        target=target,
        client=client,
    ).parsed


async def asyncio_detailed(
    scope: DeleteTemplateScope,
    target: str,
    *,
    client: AuthenticatedClient,
) -> Response[Any | ErrorBody]:
    """Deletes a template set; the points it pulled stay.

    Args:
        scope (DeleteTemplateScope): Where a template set applies; a narrower one wins, per metric
            and cohort: `deployment` over
            `service` over `environment`.
        target (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
    """

    kwargs = _get_kwargs(
        scope=scope,
        target=target,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    scope: DeleteTemplateScope,
    target: str,
    *,
    client: AuthenticatedClient,
) -> Any | ErrorBody | None:
    """Deletes a template set; the points it pulled stay.

    Args:
        scope (DeleteTemplateScope): Where a template set applies; a narrower one wins, per metric
            and cohort: `deployment` over
            `service` over `environment`.
        target (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return (
        await asyncio_detailed(
            scope=scope,
            target=target,
            client=client,
        )
    ).parsed
