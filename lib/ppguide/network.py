"""Local broadcast address for the ESMPRO/AC 「通信用IPアドレス」 field.

The AC GUI field 「通信用IPアドレス」 must hold the local broadcast address of
the LAN the cluster belongs to (guide L4353, L5213, L5466; default
255.255.255.255).  The guide shows how to derive it by hand at L5217-5246 and
again at L5471-5503: AND the IP address with the subnet mask, then OR the
result with the bit-inverted mask.  :func:`broadcast` does exactly that and
returns every intermediate row, in dotted and binary form, so a notebook can
show the working next to the guide's own example (172.16.134.12 /
255.255.255.0 -> 172.16.134.255).

Invalid input raises :class:`ppguide.errors.ParameterError` with one
:class:`~ppguide.errors.Problem` that names the parameter, repeats what was
given and says what is expected in English and in Japanese.  Nothing is
written by this module, so a refusal never leaves a partial bundle behind.
"""
from __future__ import annotations

import ipaddress
from dataclasses import asdict, dataclass, field

from .errors import ParameterError, Problem

__all__ = ["BroadcastResult", "broadcast", "to_binary"]

_ALL_ONES = 0xFFFFFFFF

LABELS = {
    "ip": "IP address / IPアドレス",
    "mask": "subnet mask / サブネットマスク",
    "network": "IP AND mask = network / IPアドレスとサブネットマスクのAND値",
    "inverted": "inverted mask / サブネットマスクビット反転データ",
    "broadcast": "network OR inverted mask = broadcast / ブロードキャストアドレス",
}


@dataclass(frozen=True)
class BroadcastResult:
    """Result of :func:`broadcast`.

    ``working`` holds five ``(label, dotted, binary)`` rows in this order:
    IP address, subnet mask, IP AND mask (the network address), the inverted
    mask, and network OR inverted mask (the broadcast address).  ``binary`` is
    32 bits grouped by octet with dots, as printed in the guide.
    """

    address: str
    network: str
    prefixlen: int
    working: list[tuple[str, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready form (what knowledge expressions and manifests see)."""
        d = asdict(self)
        d["working"] = [list(row) for row in self.working]
        return d


def to_binary(value: int) -> str:
    """Render a 32-bit integer as ``xxxxxxxx.xxxxxxxx.xxxxxxxx.xxxxxxxx``."""
    bits = format(value & _ALL_ONES, "032b")
    return ".".join(bits[i:i + 8] for i in range(0, 32, 8))


def _dotted(value: int) -> str:
    return str(ipaddress.IPv4Address(value & _ALL_ONES))


def _refuse(param: str, given: object, expected_en: str, expected_ja: str) -> ParameterError:
    return ParameterError([Problem(param, given, expected_en, expected_ja)])


def _parse_ipv4(param: str, text: object, expected_en: str, expected_ja: str) -> ipaddress.IPv4Address:
    if not isinstance(text, str):
        raise _refuse(param, text, expected_en, expected_ja)
    try:
        return ipaddress.IPv4Address(text.strip())
    except ipaddress.AddressValueError:
        raise _refuse(param, text, expected_en, expected_ja) from None


def broadcast(public_ip: str, subnet_mask: str) -> BroadcastResult:
    """Compute the local broadcast address of ``public_ip``/``subnet_mask``.

    Both values are IPv4 dotted quads.  The mask must be contiguous (ones
    then zeros); a mask such as 255.0.255.0 is refused.  A /31 or /32 mask is
    accepted but produces a warning, because such a network has no usable
    broadcast address.
    """
    ip = _parse_ipv4(
        "public_ip", public_ip,
        "an IPv4 address in dotted-quad form, four numbers 0-255 such as 172.16.134.12",
        "172.16.134.12 のように 0～255 の数値 4 つをドットで区切った IPv4 アドレス",
    )
    mask_addr = _parse_ipv4(
        "subnet_mask", subnet_mask,
        "an IPv4 subnet mask in dotted-quad form such as 255.255.255.0",
        "255.255.255.0 のようにドットで区切った IPv4 サブネットマスク",
    )
    mask = int(mask_addr)
    inverted = ~mask & _ALL_ONES
    # A contiguous mask has its zero bits all at the bottom: inverted + 1 is
    # then a power of two (or 2**32 for /0), so the AND below is zero.
    if inverted & (inverted + 1):
        raise _refuse(
            "subnet_mask", subnet_mask,
            "a contiguous mask (all one-bits before all zero-bits, e.g. 255.255.255.192); "
            f"{mask_addr} has bits {to_binary(mask)}",
            "1 のビットが連続し、その後に 0 のビットだけが続くマスク (例: 255.255.255.192)。"
            f"{mask_addr} のビット列は {to_binary(mask)}",
        )
    prefixlen = 32 - inverted.bit_length()
    ip_int = int(ip)
    network = ip_int & mask
    bcast = network | inverted

    working = [
        (LABELS["ip"], _dotted(ip_int), to_binary(ip_int)),
        (LABELS["mask"], _dotted(mask), to_binary(mask)),
        (LABELS["network"], _dotted(network), to_binary(network)),
        (LABELS["inverted"], _dotted(inverted), to_binary(inverted)),
        (LABELS["broadcast"], _dotted(bcast), to_binary(bcast)),
    ]

    warnings: list[str] = []
    if prefixlen >= 31:
        warnings.append(
            f"/{prefixlen} ({mask_addr}): this network has no usable broadcast address to speak of "
            f"({'a point-to-point pair of two addresses' if prefixlen == 31 else 'a single host'}); "
            f"{_dotted(bcast)} is only the arithmetic result. Check the subnet mask of the cluster LAN."
            f" / /{prefixlen} ({mask_addr}): このネットワークには実用上のブロードキャストアドレスがありません"
            f"({'2アドレスのみのポイントツーポイント' if prefixlen == 31 else '単一ホスト'})。"
            f"{_dotted(bcast)} は計算上の値にすぎません。クラスタLANのサブネットマスクを確認してください。"
        )
    else:
        if ip_int == network:
            warnings.append(
                f"public_ip {ip} is the network address of /{prefixlen}, not a host address; check the input."
                f" / public_ip {ip} は /{prefixlen} のネットワークアドレスでありホストアドレスではありません。入力を確認してください。"
            )
        elif ip_int == bcast:
            warnings.append(
                f"public_ip {ip} is itself the broadcast address of /{prefixlen}, not a host address; check the input."
                f" / public_ip {ip} は /{prefixlen} のブロードキャストアドレスそのものでありホストアドレスではありません。入力を確認してください。"
            )
    if ip.is_loopback or ip.is_multicast or ip.is_unspecified:
        warnings.append(
            f"public_ip {ip} is a loopback, multicast or unspecified address, not a server's LAN address."
            f" / public_ip {ip} はループバック・マルチキャスト・未指定アドレスのいずれかで、サーバのLANアドレスではありません。"
        )

    return BroadcastResult(
        address=_dotted(bcast),
        network=_dotted(network),
        prefixlen=prefixlen,
        working=working,
        warnings=warnings,
    )
