"""Fictitious but realistic Chinese buyers: names, mobiles and delivery addresses, drawn from a seeded RNG."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红辉鑫宇浩然欣怡子涵梓轩"
NICK_WORDS = ("tb", "小", "爱吃鱼的", "momo", "阿", "jing", "快乐的", "sunny")


@dataclass(frozen=True)
class Address:
    province: str
    city: str  # empty for county-level cities administered by the province (TOP puts them in district)
    district: str
    detail: str
    zip: str


ADDRESSES: tuple[Address, ...] = (
    Address("浙江省", "杭州市", "余杭区", "五常街道文一西路 969 号", "311121"),
    Address("浙江省", "杭州市", "西湖区", "文三路 100 号 2 幢 501 室", "310012"),
    Address("浙江省", "宁波市", "鄞州区", "首南街道天童南路 588 号", "315100"),
    Address("上海市", "上海市", "浦东新区", "张江镇碧波路 690 号 3 号楼", "201203"),
    Address("上海市", "上海市", "徐汇区", "漕溪北路 88 弄 6 号 1202 室", "200030"),
    Address("北京市", "北京市", "朝阳区", "望京街道阜通东大街 6 号院", "100102"),
    Address("北京市", "北京市", "海淀区", "中关村大街 27 号 1105 室", "100080"),
    Address("广东省", "深圳市", "南山区", "粤海街道科技园南区 8 栋", "518057"),
    Address("广东省", "广州市", "天河区", "天河路 385 号 21 楼", "510620"),
    Address("江苏省", "南京市", "鼓楼区", "中山北路 30 号 7 楼", "210008"),
    Address("江苏省", "苏州市", "苏州工业园区", "星湖街 328 号 12 幢", "215123"),
    Address("四川省", "成都市", "武侯区", "天府大道中段 1268 号", "610041"),
    Address("湖北省", "武汉市", "洪山区", "珞喻路 1037 号", "430074"),
    Address("山东省", "青岛市", "市南区", "香港中路 10 号 3 单元 602", "266071"),
    Address("福建省", "厦门市", "思明区", "环岛南路 2 号", "361005"),
    Address("河南省", "", "济源市", "沁园街道济源大道 99 号", "459000"),
    Address("海南省", "", "琼海市", "嘉积镇金海路 16 号", "571400"),
)


@dataclass(frozen=True)
class Buyer:
    name: str
    mobile: str
    nick: str
    address: Address


def random_buyer(rng: random.Random) -> Buyer:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2))))
    mobile = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
    nick = f"{rng.choice(NICK_WORDS)}{rng.randrange(10, 9999)}"
    return Buyer(name=name, mobile=mobile, nick=nick, address=rng.choice(ADDRESSES))


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1)


def mask_mobile(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) >= 7 else "****"


def mask_detail(detail: str) -> str:
    """House numbers hidden, as platforms show addresses to sellers since the 2021 privacy rules."""
    return re.sub(r"\d+", "***", detail)
