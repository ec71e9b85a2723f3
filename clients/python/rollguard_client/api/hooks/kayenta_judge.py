from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.canary_judge_result import CanaryJudgeResult
from ...models.error_body import ErrorBody
from ...models.remote_judge_request import RemoteJudgeRequest
from ...types import Response


def _get_kwargs(
    *,
    body: RemoteJudgeRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/kayenta/judge",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CanaryJudgeResult | ErrorBody | None:
    if response.status_code == 200:
        response_200 = CanaryJudgeResult.from_dict(response.json())

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
) -> Response[CanaryJudgeResult | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: RemoteJudgeRequest,
) -> Response[CanaryJudgeResult | ErrorBody]:
    """Judges one Kayenta canary interval with a rollguard policy: the canary config's
    `judge.judgeConfigurations.policy`, else `compare`. `control` is the baseline cohort,
    `experiment` the canary; `"NaN"` and `null` are missing points. The verdict becomes
    `score.score`: 100 for pass, 0 for rollback, and for inconclusive the midpoint of the
    thresholds (strictly between them). Stateless: nothing is stored. See
    docs/integrations/kayenta.md for the mapping of Kayenta metrics onto rules.

    Args:
        body (RemoteJudgeRequest): Kayenta's `RemoteJudgeRequest`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CanaryJudgeResult | ErrorBody]
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
    body: RemoteJudgeRequest,
) -> CanaryJudgeResult | ErrorBody | None:
    """Judges one Kayenta canary interval with a rollguard policy: the canary config's
    `judge.judgeConfigurations.policy`, else `compare`. `control` is the baseline cohort,
    `experiment` the canary; `"NaN"` and `null` are missing points. The verdict becomes
    `score.score`: 100 for pass, 0 for rollback, and for inconclusive the midpoint of the
    thresholds (strictly between them). Stateless: nothing is stored. See
    docs/integrations/kayenta.md for the mapping of Kayenta metrics onto rules.

    Args:
        body (RemoteJudgeRequest): Kayenta's `RemoteJudgeRequest`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CanaryJudgeResult | ErrorBody
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: RemoteJudgeRequest,
) -> Response[CanaryJudgeResult | ErrorBody]:
    """Judges one Kayenta canary interval with a rollguard policy: the canary config's
    `judge.judgeConfigurations.policy`, else `compare`. `control` is the baseline cohort,
    `experiment` the canary; `"NaN"` and `null` are missing points. The verdict becomes
    `score.score`: 100 for pass, 0 for rollback, and for inconclusive the midpoint of the
    thresholds (strictly between them). Stateless: nothing is stored. See
    docs/integrations/kayenta.md for the mapping of Kayenta metrics onto rules.

    Args:
        body (RemoteJudgeRequest): Kayenta's `RemoteJudgeRequest`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CanaryJudgeResult | ErrorBody]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: RemoteJudgeRequest,
) -> CanaryJudgeResult | ErrorBody | None:
    """Judges one Kayenta canary interval with a rollguard policy: the canary config's
    `judge.judgeConfigurations.policy`, else `compare`. `control` is the baseline cohort,
    `experiment` the canary; `"NaN"` and `null` are missing points. The verdict becomes
    `score.score`: 100 for pass, 0 for rollback, and for inconclusive the midpoint of the
    thresholds (strictly between them). Stateless: nothing is stored. See
    docs/integrations/kayenta.md for the mapping of Kayenta metrics onto rules.

    Args:
        body (RemoteJudgeRequest): Kayenta's `RemoteJudgeRequest`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CanaryJudgeResult | ErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
