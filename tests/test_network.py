"""Tests for ppguide.network.broadcast.

Expected values are worked out by hand, octet by octet, with plain int bit
operations (never with the ipaddress module), mirroring the guide's method
(L5217-5246): AND the IP with the mask, then OR with the inverted mask.
"""
import pytest

from ppguide.errors import ParameterError
from ppguide.network import broadcast


def octets(dotted: str) -> list[int]:
    return [int(part) for part in dotted.split(".")]


def dotted(parts: list[int]) -> str:
    return ".".join(str(p) for p in parts)


def binary(parts: list[int]) -> str:
    return ".".join(format(p, "08b") for p in parts)


def by_hand(ip: str, mask: str) -> dict:
    """The guide's two steps, one octet at a time."""
    i, m = octets(ip), octets(mask)
    net = [a & b for a, b in zip(i, m)]
    inv = [0xFF ^ b for b in m]          # bit inversion within one octet
    bc = [n | v for n, v in zip(net, inv)]
    prefix = sum(bin(b).count("1") for b in m)
    return {"ip": i, "mask": m, "net": net, "inv": inv, "bc": bc, "prefix": prefix}


def assert_matches_hand(ip: str, mask: str) -> None:
    hand = by_hand(ip, mask)
    r = broadcast(ip, mask)
    assert r.address == dotted(hand["bc"])
    assert r.network == dotted(hand["net"])
    assert r.prefixlen == hand["prefix"]
    assert [row[1] for row in r.working] == [dotted(hand[k]) for k in ("ip", "mask", "net", "inv", "bc")]
    assert [row[2] for row in r.working] == [binary(hand[k]) for k in ("ip", "mask", "net", "inv", "bc")]


def test_guide_example_172_16_134_12():
    # Guide L5223-5246: 172.16.134.12 / 255.255.255.0 -> 172.16.134.255
    r = broadcast("172.16.134.12", "255.255.255.0")
    assert r.working[0][2] == "10101100.00010000.10000110.00001100"  # L5229
    assert r.working[1][2] == "11111111.11111111.11111111.00000000"  # L5230
    assert r.working[2][2] == "10101100.00010000.10000110.00000000"  # L5232
    assert r.working[3][2] == "00000000.00000000.00000000.11111111"  # L5238
    assert r.working[4][2] == "10101100.00010000.10000110.11111111"  # L5241
    assert r.address == "172.16.134.255"                             # L5246
    assert r.warnings == []


def test_192_168_10_1_slash_24():
    # last octet: 00000001 & 00000000 = 00000000; | 11111111 = 11111111 = 255
    assert (1 & 0) | (0xFF ^ 0) == 255
    r = broadcast("192.168.10.1", "255.255.255.0")
    assert r.address == "192.168.10.255"
    assert r.network == "192.168.10.0"
    assert r.prefixlen == 24
    assert r.working[0][2] == "11000000.10101000.00001010.00000001"
    assert_matches_hand("192.168.10.1", "255.255.255.0")


def test_10_1_2_3_slash_16():
    # octets 3 and 4 are cleared by the mask, then all set by the inverted mask
    assert [(2 & 0) | 0xFF, (3 & 0) | 0xFF] == [255, 255]
    r = broadcast("10.1.2.3", "255.255.0.0")
    assert r.address == "10.1.255.255"
    assert r.network == "10.1.0.0"
    assert r.prefixlen == 16
    assert r.working[3] [1:] == ("0.0.255.255", "00000000.00000000.11111111.11111111")
    assert_matches_hand("10.1.2.3", "255.255.0.0")


def test_172_16_5_130_slash_26():
    # 130 = 10000010, mask 192 = 11000000
    # AND = 10000000 = 128; inverted mask = 00111111 = 63; OR = 10111111 = 191
    assert 130 & 192 == 0b10000000 == 128
    assert 0xFF ^ 192 == 0b00111111 == 63
    assert 128 | 63 == 0b10111111 == 191
    r = broadcast("172.16.5.130", "255.255.255.192")
    assert r.address == "172.16.5.191"
    assert r.network == "172.16.5.128"
    assert r.prefixlen == 26
    assert r.working[4][2] == "10101100.00010000.00000101.10111111"
    assert_matches_hand("172.16.5.130", "255.255.255.192")


def test_working_labels_in_order():
    labels = [row[0] for row in broadcast("192.168.10.1", "255.255.255.0").working]
    assert ["IP address", "subnet mask", "IP AND mask", "inverted mask", "network OR inverted mask"] == [
        lab.split(" = ")[0].split(" / ")[0] for lab in labels]
    assert all(" / " in lab for lab in labels)   # English / Japanese


def test_slash_0_gives_limited_broadcast():
    # mask 0.0.0.0 inverts to all ones: the AC default 255.255.255.255 (L4353)
    r = broadcast("10.9.8.7", "0.0.0.0")
    assert (r.address, r.network, r.prefixlen) == ("255.255.255.255", "0.0.0.0", 0)


@pytest.mark.parametrize("ip,mask,prefix,expected", [
    # /31: 10.0.0.0 | 00000001 -> 10.0.0.1
    ("10.0.0.0", "255.255.255.254", 31, "10.0.0.1"),
    # /32: nothing is inverted, the address is its own "broadcast"
    ("10.1.1.1", "255.255.255.255", 32, "10.1.1.1"),
])
def test_slash_31_and_32_warn(ip, mask, prefix, expected):
    assert_matches_hand(ip, mask)
    r = broadcast(ip, mask)
    assert r.prefixlen == prefix
    assert r.address == expected
    assert len(r.warnings) == 1
    en, ja = r.warnings[0].split(" / ", 1)[0], r.warnings[0]
    assert "no usable broadcast address" in en
    assert "ブロードキャストアドレスがありません" in ja


def test_host_part_all_zero_or_all_one_warns():
    assert "network address" in broadcast("192.168.10.0", "255.255.255.0").warnings[0]
    assert "broadcast address" in broadcast("192.168.10.255", "255.255.255.0").warnings[0]


@pytest.mark.parametrize("mask", ["255.0.255.0", "255.255.255.1", "0.255.255.255", "255.255.254.255"])
def test_non_contiguous_mask_refused(mask):
    # a contiguous mask has no 0 bit followed by a 1 bit when read left to right
    bits = "".join(format(o, "08b") for o in octets(mask))
    assert "01" in bits
    with pytest.raises(ParameterError) as exc:
        broadcast("192.168.1.1", mask)
    (p,) = exc.value.problems
    assert (p.parameter, p.given) == ("subnet_mask", mask)
    assert "contiguous" in p.expected_en and bits[:8] in p.expected_en
    assert "連続" in p.expected_ja
    assert repr(mask) in exc.value.en and repr(mask) in exc.value.ja


@pytest.mark.parametrize("ip", ["192.168.1.300", "abc", "", "1.2.3.4.5", "1.2.3", "-1.2.3.4", None, 3232235777])
def test_malformed_ip_refused(ip):
    with pytest.raises(ParameterError) as exc:
        broadcast(ip, "255.255.255.0")
    (p,) = exc.value.problems
    assert (p.parameter, p.given) == ("public_ip", ip)
    assert "expected" in p.en() and "IPv4" in p.expected_en
    assert "IPv4" in p.expected_ja and "期待される値" in p.ja()


@pytest.mark.parametrize("mask", ["255.255.255", "abc", "255.255.255.256", "24", "/24", ""])
def test_malformed_mask_refused(mask):
    with pytest.raises(ParameterError) as exc:
        broadcast("192.168.1.1", mask)
    assert exc.value.parameters == ["subnet_mask"]
    assert exc.value.problems[0].given == mask


def test_surrounding_whitespace_is_tolerated():
    assert broadcast(" 192.168.10.1 ", "255.255.255.0 ").address == "192.168.10.255"


def test_to_dict_is_json_ready():
    import json
    d = broadcast("172.16.134.12", "255.255.255.0").to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["address"] == "172.16.134.255" and d["prefixlen"] == 24
    assert d["working"][4][2] == "10101100.00010000.10000110.11111111"   # L5241
