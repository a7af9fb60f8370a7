"""Chinese names for the demo bank: people, places, organisations, villages.

Names are drawn from fixed lists with the caller's generator, so the same
seed gives the same names. None of them refers to a real person or bank.
"""

from __future__ import annotations

import numpy as np

BANK_NAME = "云溪农商银行"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
    "于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛段雷龙"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚华红玲飞鑫波斌宇浩凯健俊帆帅旭宁丹琳晨阳"
    "雪慧颖婷倩璐佳欣怡然博文瑶瑞峰辉亮鹏程蕾晶燕萍梅兰英秀志国建新春海"
)
_PLACE_HEAD = "东西南北新长永太和安兴丰富宝金石青白清柳杨桃梅松龙凤马黄双三五沙"
_PLACE_TAIL = "河山桥湖坪塘湾岭庄集口园泉溪堡店寨营关坝洲峰林"


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` person names: one surname and one or two given-name characters."""
    surname = rng.integers(0, len(SURNAMES), n)
    first = rng.integers(0, len(GIVEN), n)
    second = rng.integers(0, len(GIVEN), n)
    two = rng.random(n) < 0.65
    return [
        SURNAMES[s] + GIVEN[a] + (GIVEN[b] if t else "")
        for s, a, b, t in zip(surname.tolist(), first.tolist(), second.tolist(), two.tolist(), strict=False)
    ]


def place_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct two-character place names (repeated with a number past the list)."""
    pool = [h + t for h in _PLACE_HEAD for t in _PLACE_TAIL]
    order = rng.permutation(len(pool)).tolist()
    names = [pool[i] for i in order]
    return [names[i % len(names)] + ("" if i < len(names) else str(i // len(names) + 1)) for i in range(n)]
