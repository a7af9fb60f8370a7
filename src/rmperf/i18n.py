"""User-facing messages in Chinese (zh-Hans, the default) and English.

Messages are looked up by a stable code with named parameters, so errors can
be kept as values (code + params) and rendered in the user's language only
when shown. ``RMPERF_LANG=en`` or ``--lang en`` switches to English.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

LANGUAGES = ("zh", "en")

_language = os.environ.get("RMPERF_LANG", "zh") if os.environ.get("RMPERF_LANG") in LANGUAGES else "zh"


def set_language(lang: str) -> None:
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; use one of {', '.join(LANGUAGES)}")
    _language = lang


def get_language() -> str:
    return _language


#: code -> (zh-Hans, English). Parameters are str.format fields.
MESSAGES: dict[str, tuple[str, str]] = {
    # --- package level ------------------------------------------------------
    "package.not_found": ("数据包目录不存在:{path}", "data package folder not found: {path}"),
    "package.not_dir": ("数据包应为目录:{path}", "a data package must be a folder: {path}"),
    "table.missing": ("缺少必需的表 {table}", "required table {table} is missing"),
    "table.ambiguous": (
        "表 {table} 有多个来源文件({files}),只能保留一个",
        "table {table} has more than one source ({files}); keep exactly one",
    ),
    "table.empty_folder": ("目录 {path} 中没有 Parquet 文件", "folder {path} holds no Parquet files"),
    "table.unknown_file": (
        "未知的文件 {file} 已忽略(不是数据包中的表)",
        "unknown file {file} ignored (not a table of the data package)",
    ),
    "table.no_rows": ("表 {table} 没有数据行", "table {table} has no rows"),
    "file.unreadable": ("无法读取文件:{detail}", "cannot read the file: {detail}"),
    "file.encoding_gbk": (
        "文件不是 UTF-8 编码,已按 GBK 读取;建议导出为 UTF-8",
        "the file is not UTF-8; it was read as GBK (export as UTF-8 if you can)",
    ),
    "file.encoding_unknown": (
        "文件编码无法识别(既不是 UTF-8 也不是 GBK),第 {byte} 字节附近",
        "unrecognised file encoding (neither UTF-8 nor GBK), near byte {byte}",
    ),
    "csv.columns_count": (
        "列数不对:表头有 {expected} 列,这一行有 {found} 列",
        "wrong number of fields: the header has {expected}, this line has {found}",
    ),
    "csv.bad_quote": ("引号不配对或格式错误:{detail}", "malformed quoting: {detail}"),
    "header.missing_column": ("缺少必需的列 {column}", "required column {column} is missing"),
    "header.duplicate_column": ("列名 {column} 重复", "column {column} appears more than once"),
    "header.unknown_column": (
        "未知的列 {column} 已保留但不参与计算",
        "unknown column {column} is kept but ignored",
    ),
    "parquet.float_money": (
        "列 {column} 以二进制浮点数({type})存储,金额与利率不能用浮点数;请导出为 DECIMAL 或文本",
        "column {column} is stored as binary floating point ({type}); money and rates must be DECIMAL or text",
    ),
    # --- values -------------------------------------------------------------
    "value.required": ("必填值为空", "a required value is empty"),
    "value.date": ("日期 “{value}” 无法解析,应为 YYYY-MM-DD", "cannot parse date “{value}”: expected YYYY-MM-DD"),
    "value.month": ("月份 “{value}” 无法解析,应为 YYYY-MM", "cannot parse month “{value}”: expected YYYY-MM"),
    "value.period": (
        "考核期 “{value}” 无法解析,应为 2025、2025-H1、2025-Q2 或 2025-06",
        "cannot parse period “{value}”: expected 2025, 2025-H1, 2025-Q2 or 2025-06",
    ),
    "value.amount": ("金额 “{value}” 无法解析", "cannot parse amount “{value}”"),
    "value.amount_scale": (
        "金额 “{value}” 超过 2 位小数",
        "amount “{value}” has more than 2 fraction digits",
    ),
    "value.rate": (
        "利率 “{value}” 无法解析,应为年化小数(0.0215 即 2.15%)",
        "cannot parse rate “{value}”: expected an annual fraction (0.0215 = 2.15 %)",
    ),
    "value.rate_range": (
        "利率 “{value}” 超出范围 [0, 1):请填写年化小数(0.0215 即 2.15%),不是百分数",
        "rate “{value}” is outside [0, 1): write an annual fraction (0.0215 = 2.15 %), not a percentage",
    ),
    "value.fx": (
        "汇率 “{value}” 无法解析,应为正数",
        "cannot parse exchange rate “{value}”: expected a positive number",
    ),
    "value.share": ("分成比例 “{value}” 应为 (0, 1] 之间的小数", "share “{value}” must be a decimal in (0, 1]"),
    "value.int": ("“{value}” 不是非负整数", "“{value}” is not a whole number ≥ 0"),
    "value.decimal": ("“{value}” 不是数字", "“{value}” is not a number"),
    "value.bool": ("“{value}” 不是布尔值(true/false)", "“{value}” is not a boolean (true/false)"),
    "value.enum": ("取值 “{value}” 不在允许范围内:{allowed}", "unknown value “{value}”; allowed: {allowed}"),
    "value.currency": (
        "币种 “{value}” 应为三位大写字母代码(如 USD)",
        "currency “{value}” must be a 3-letter code such as USD",
    ),
    "value.id": ("编号不能为空白", "an id cannot be blank"),
    "value.more": ("此类错误还有 {count} 处未列出", "{count} more of this kind not listed"),
    # --- rows and cross-table rules -------------------------------------------
    "key.duplicate": (
        "主键重复:{key} 已在第 {first_line} 行出现",
        "duplicate key {key}: already on line {first_line}",
    ),
    "ref.dangling": (
        "{column} “{value}” 在表 {ref_table} 中不存在",
        "{column} “{value}” does not exist in table {ref_table}",
    ),
    "ref.table_missing": (
        "列 {column} 引用了表 {ref_table},但数据包中没有该表,未检查",
        "column {column} refers to table {ref_table}, which the package lacks; not checked",
    ),
    "org.head_count": (
        "机构树应恰好有一个总行(level=head),实际有 {count} 个",
        "the org tree must have exactly one head, found {count}",
    ),
    "org.head_parent": ("总行不应有上级机构", "the head office cannot have a parent"),
    "org.no_parent": ("非总行机构必须有上级机构 parent_id", "an org other than the head needs a parent_id"),
    "org.cycle": ("机构树存在循环:{path}", "the org tree has a cycle: {path}"),
    "org.level_order": (
        "机构层级不符:{level} 的上级是 {parent_level}",
        "org level out of order: a {level} under a {parent_level}",
    ),
    "org.region_missing": (
        "机构 {org_id} 没有 region_type,上级也没有可继承的值",
        "org {org_id} has no region_type and none to inherit",
    ),
    "assignment.valid_to": (
        "valid_to {valid_to} 应晚于 valid_from {valid_from}",
        "valid_to {valid_to} must be after valid_from {valid_from}",
    ),
    "assignment.share_over": (
        "客户 {customer_id}{account} 在 {day} 的分成合计为 {total},超过 1",
        "customer {customer_id}{account}: shares on {day} add up to {total}, over 1",
    ),
    "account.closed_before_open": (
        "closed_on {closed_on} 早于 opened_on {opened_on}",
        "closed_on {closed_on} is before opened_on {opened_on}",
    ),
    "balance.outside_open": (
        "账户 {account_id} 在 {day} 有余额,但账户开立期间为 {opened_on} 至 {closed_on}",
        "account {account_id} has a balance on {day}, outside its open interval {opened_on} to {closed_on}",
    ),
    "fx.missing": (
        "币种 {currency} 在 {day} 已使用(表 {used_in}),但最早的汇率在 {first_rate}",
        "currency {currency} is used on {day} (table {used_in}) before its first rate on {first_rate}",
    ),
    "fx.none": (
        "币种 {currency} 已使用(表 {used_in}),但没有任何汇率",
        "currency {currency} is used (table {used_in}) but has no exchange rate at all",
    ),
    # --- import outcome ---------------------------------------------------------
    "import.rejected": (
        "导入被拒绝:发现 {errors} 个错误,{warnings} 个警告。数据未做任何改动。",
        "import rejected: {errors} errors, {warnings} warnings. Nothing was stored.",
    ),
    "import.committed": (
        "导入成功:第 {import_id} 号导入,用时 {seconds} 秒",
        "imported as import #{import_id} in {seconds} s",
    ),
    "import.unchanged": (
        "该数据包已于第 {import_id} 号导入,内容相同,未做任何改动",
        "this package was already imported as import #{import_id}; nothing changed",
    ),
    "import.no_change": (
        "数据包内容与已存数据相同,未做任何改动",
        "the package holds nothing that is not already stored; nothing changed",
    ),
    "import.restated": (
        "表 {table} 的 {count} 个期间被重述(新数据替换旧数据):{periods}",
        "table {table}: {count} periods restated (new rows replace the stored ones): {periods}",
    ),
    "import.locked": ("另一个导入正在进行,请稍后再试", "another import is running; try again later"),
}


def t(code: str, params: Mapping[str, object] | None = None, lang: str | None = None) -> str:
    """Render message ``code`` in ``lang`` (default: the current language)."""
    zh, en = MESSAGES[code]
    template = en if (lang or _language) == "en" else zh
    return template.format(**(params or {}))


#: Words used around messages (location labels).
WORDS: dict[str, tuple[str, str]] = {
    "error": ("错误", "error"),
    "warning": ("警告", "warning"),
    "table": ("表", "table"),
    "line": ("第 {n} 行", "line {n}"),
    "row": ("第 {n} 行(行组 {g})", "row {n} (row group {g})"),
    "column": ("列 {name}", "column {name}"),
    "column_pos": ("列 {name}(第 {pos} 列)", "column {name} (#{pos})"),
    "column_letter": ("列 {name}({letter} 列)", "column {name} ({letter})"),
}


def w(word: str, lang: str | None = None, **params: object) -> str:
    zh, en = WORDS[word]
    template = en if (lang or _language) == "en" else zh
    return template.format(**params)
