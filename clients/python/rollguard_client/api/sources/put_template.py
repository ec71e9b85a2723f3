from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.put_template_scope import PutTemplateScope
from ...models.template_set import TemplateSet
from ...models.template_set_spec import TemplateSetSpec
from ...types import Response


def _get_kwargs(
    scope: PutTemplateScope,
    target: str,
    *,
    body: TemplateSetSpec,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/templates/{scope}/{target}".format(
            scope=quote(str(scope), safe=""),
            target=quote(str(target), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | TemplateSet | None:
    if response.status_code == 200:
        response_200 = TemplateSet.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = TemplateSet.from_dict(response.json())

        return response_201

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

    if response.status_code == 424:
        response_424 = ErrorBody.from_dict(response.json())

        return response_424

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
    scope: PutTemplateScope,
    target: str,
    *,
    client: AuthenticatedClient,
    body: TemplateSetSpec,
) -> Response[ErrorBody | TemplateSet]:
    """Creates or replaces a template set. Placeholders: `{{service}}`, `{{environment}}`,
    `{{version}}`, `{{baseline_version}}`, `{{key}}`, `{{labels.NAME}}` inside string literals,
    `{{step}}` outside them. Every query is run once against the source with sample values: a
    query Prometheus rejects is a 400 with Prometheus's message, and nothing is stored.

    Args:
        scope (PutTemplateScope): Where a template set applies; a narrower one wins, per metric
            and cohort: `deployment` over
            `service` over `environment`.
        target (str):
        body (TemplateSetSpec): A template set as a request gives it (scope and target are in the
            path).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | TemplateSet]
    """

    kwargs = _get_kwargs(
        scope=scope,
        target=target,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    scope: PutTemplateScope,
    target: str,
    *,
    client: AuthenticatedClient,
    body: TemplateSetSpec,
) -> ErrorBody | TemplateSet | None:
    """Creates or replaces a template set. Placeholders: `{{service}}`, `{{environment}}`,
    `{{version}}`, `{{baseline_version}}`, `{{key}}`, `{{labels.NAME}}` inside string literals,
    `{{step}}` outside them. Every query is run once against the source with sample values: a
    query Prometheus rejects is a 400 with Prometheus's message, and nothing is stored.

    Args:
        scope (PutTemplateScope): Where a template set applies; a narrower one wins, per metric
            and cohort: `deployment` over
            `service` over `environment`.
        target (str):
        body (TemplateSetSpec): A template set as a request gives it (scope and target are in the
            path).

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
        body=body,
    ).parsed


async def asyncio_detailed(
    scope: PutTemplateScope,
    target: str,
    *,
    client: AuthenticatedClient,
    body: TemplateSetSpec,
) -> Response[ErrorBody | TemplateSet]:
    """Creates or replaces a template set. Placeholders: `{{service}}`, `{{environment}}`,
    `{{version}}`, `{{baseline_version}}`, `{{key}}`, `{{labels.NAME}}` inside string literals,
    `{{step}}` outside them. Every query is run once against the source with sample values: a
    query Prometheus rejects is a 400 with Prometheus's message, and nothing is stored.

    Args:
        scope (PutTemplateScope): Where a template set applies; a narrower one wins, per metric
            and cohort: `deployment` over
            `service` over `environment`.
        target (str):
        body (TemplateSetSpec): A template set as a request gives it (scope and target are in the
            path).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | TemplateSet]
    """

    kwargs = _get_kwargs(
        scope=scope,
        target=target,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    scope: PutTemplateScope,
    target: str,
    *,
    client: AuthenticatedClient,
    body: TemplateSetSpec,
) -> ErrorBody | TemplateSet | None:
    """Creates or replaces a template set. Placeholders: `{{service}}`, `{{environment}}`,
    `{{version}}`, `{{baseline_version}}`, `{{key}}`, `{{labels.NAME}}` inside string literals,
    `{{step}}` outside them. Every query is run once against the source with sample values: a
    query Prometheus rejects is a 400 with Prometheus's message, and nothing is stored.

    Args:
        scope (PutTemplateScope): Where a template set applies; a narrower one wins, per metric
            and cohort: `deployment` over
            `service` over `environment`.
        target (str):
        body (TemplateSetSpec): A template set as a request gives it (scope and target are in the
            path).

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
            body=body,
        )
    ).parsed
