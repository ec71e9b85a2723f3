from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.flagger_payload_metadata import FlaggerPayloadMetadata


T = TypeVar("T", bound="FlaggerPayload")


@_attrs_define
class FlaggerPayload:
    """Flagger's webhook payload (`CanaryWebhookPayload`). Unknown fields are ignored: the payload
    belongs to Flagger and may grow.

        Attributes:
            name (str): The Canary's name (a Kubernetes object name). Unless `metadata.deployment` is set,
                `{namespace}.{name}` is the deployment key, so it must be a valid key (at most 200
                characters). Example: podinfo.
            namespace (str): The Canary's namespace (a Kubernetes namespace name). Example: test.
            checksum (None | str | Unset): Flagger's hash of the canary's tracked configs: the only identity of a revision.
                A new
                checksum for a key starts a new revision, judged only on points after the newest point
                stored when it is first seen (see docs/integrations/flagger.md). At most 128 characters. Example: 85d557f47b.
            metadata (FlaggerPayloadMetadata | Unset): `spec.analysis.webhooks[].metadata`. rollguard reads `deployment`
                (the deployment key; wins
                over the namespace/name mapping), `policy` (a policy name), and `canary_weight` /
                `max_weight` (for a step recommendation).
            phase (None | str | Unset): The canary's phase, e.g. `Progressing` or `Waiting`. In `Waiting` and
                `WaitingPromotion`
                the rollback hook records only a `rollback` verdict. Example: Progressing.
    """

    name: str
    namespace: str
    checksum: None | str | Unset = UNSET
    metadata: FlaggerPayloadMetadata | Unset = UNSET
    phase: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        namespace = self.namespace

        checksum: None | str | Unset
        if isinstance(self.checksum, Unset):
            checksum = UNSET
        else:
            checksum = self.checksum

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        phase: None | str | Unset
        if isinstance(self.phase, Unset):
            phase = UNSET
        else:
            phase = self.phase

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "namespace": namespace,
            }
        )
        if checksum is not UNSET:
            field_dict["checksum"] = checksum
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if phase is not UNSET:
            field_dict["phase"] = phase

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.flagger_payload_metadata import FlaggerPayloadMetadata  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        namespace = d.pop("namespace")

        def _parse_checksum(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        checksum = _parse_checksum(d.pop("checksum", UNSET))

        _metadata = d.pop("metadata", UNSET)
        metadata: FlaggerPayloadMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = FlaggerPayloadMetadata.from_dict(_metadata)

        def _parse_phase(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phase = _parse_phase(d.pop("phase", UNSET))

        flagger_payload = cls(
            name=name,
            namespace=namespace,
            checksum=checksum,
            metadata=metadata,
            phase=phase,
        )

        flagger_payload.additional_properties = d
        return flagger_payload

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
