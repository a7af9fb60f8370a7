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
    "table.misnamed": (
        "文件 {file} 的名称与表 {table} 只差大小写或分隔符:请改名为 {table}(否则其中的数据不会导入)",
        "file {file} is named like table {table} in another case or spelling: rename it to {table} "
        "(its rows would otherwise not be imported)",
    ),
    "file.not_regular_link": (
        "{file} 是符号链接:数据包只读取包内的普通文件,链接不会被打开",
        "{file} is a symbolic link: a package is read only from regular files inside it, links are not opened",
    ),
    "file.not_regular_fifo": (
        "{file} 是管道(FIFO),不是普通文件,未打开",
        "{file} is a pipe (FIFO), not a regular file; not opened",
    ),
    "file.not_regular_device": (
        "{file} 是设备文件,不是普通文件,未打开",
        "{file} is a device, not a regular file; not opened",
    ),
    "file.not_regular_socket": (
        "{file} 是套接字,不是普通文件,未打开",
        "{file} is a socket, not a regular file; not opened",
    ),
    "file.empty": ("文件为空(0 字节)", "the file is empty (0 bytes)"),
    "file.too_many_rows": (
        "文件有 {rows:,} 行,超过导入上限 {limit:,} 行(RMPERF_IMPORT_ROWS_PER_FILE)",
        "the file has {rows:,} rows, more than the import limit of {limit:,} (RMPERF_IMPORT_ROWS_PER_FILE)",
    ),
    "file.bom_not_utf8": (
        "文件以 UTF-8 字节序标记(BOM)开头,但这一行不是 UTF-8 编码:请整份文件导出为 UTF-8",
        "the file starts with a UTF-8 byte-order mark, but this line is not UTF-8: export the whole file as UTF-8",
    ),
    "file.mixed_encoding": (
        "文件混用了两种编码:第 {utf8_line} 行是 UTF-8,第 {line} 行不是(可能是 GBK);请整份文件导出为同一种编码",
        "the file mixes two encodings: line {utf8_line} is UTF-8, line {line} is not (GBK?); "
        "export the whole file in one encoding",
    ),
    "header.bad_name": (
        "表头第 {pos} 列的列名 “{name}” 含控制字符或超过 {limit} 个字符",
        "the name of header column {pos}, “{name}”, holds control characters or is longer than {limit} characters",
    ),
    "csv.line_too_long": (
        "这一行有字段超过 {limit:,} 个字符,超出导入上限(RMPERF_IMPORT_LINE_BYTES)",
        "a field of this line is longer than {limit:,} characters, beyond the import limit (RMPERF_IMPORT_LINE_BYTES)",
    ),
    "xlsx.ole2": (
        "不是 .xlsx 工作簿:这是加密(设有密码)的工作簿或旧的 .xls 格式;请去掉密码并另存为 .xlsx",
        "not an .xlsx workbook: it is encrypted (password-protected) or in the old .xls format; "
        "remove the password and save it as .xlsx",
    ),
    "xlsx.not_zip": (
        "不是 .xlsx 工作簿(.xlsx 文件是 zip 压缩包,这个文件不是)",
        "not an .xlsx workbook (an .xlsx file is a zip archive; this one is not)",
    ),
    "xlsx.too_large": (
        "工作簿解压后有 {size:,} 字节,超过导入上限 {limit:,} 字节(RMPERF_IMPORT_XLSX_BYTES)",
        "the workbook unpacks to {size:,} bytes, more than the import limit of {limit:,} (RMPERF_IMPORT_XLSX_BYTES)",
    ),
    "xlsx.bomb": (
        "工作簿中的 {member} 压缩 {packed:,} 字节、解压 {size:,} 字节,压缩比超过 {ratio}:1,疑似压缩炸弹,未打开",
        "member {member} of the workbook packs {size:,} bytes into {packed:,}, a ratio beyond {ratio} : 1 "
        "(a decompression bomb?); not opened",
    ),
    "xlsx.no_sheet": ("工作簿中没有工作表", "the workbook has no sheet"),
    "xlsx.formula": (
        "单元格 {cell} 是公式且没有计算结果:请在 Excel 中计算后另存,或粘贴为数值",
        "cell {cell} holds a formula without a value: recalculate and save it in Excel, or paste it as values",
    ),
    "xlsx.formula_cached": (
        "有 {count} 个单元格是公式(第一个是 {first}),已按其保存的计算结果读取;请确认结果是最新的",
        "{count} cells hold formulas (the first is {first}); their saved values were read: check they are current",
    ),
    "parquet.corrupt": (
        "Parquet 文件损坏,无法解码:{detail}",
        "the Parquet file is corrupt and cannot be decoded: {detail}",
    ),
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
    "value.results_format": (
        "--format 只能是 json、csv 或 xlsx,不是 “{value}”",
        "--format is json, csv or xlsx, not “{value}”",
    ),
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
    "value.control": (
        "“{value}” 含控制字符(如 NUL、ESC、响铃):编号、名称中不允许,请在源系统中清除",
        "“{value}” holds control characters (NUL, ESC, bell …), which ids and names may not: clean them at the source",
    ),
    "value.too_long": (
        "取值过长(“{value}”),超过此列的导入上限",
        "the value is too long (“{value}”) for this column's import limit",
    ),
    "value.date_range": (
        "日期 “{value}” 不在 1900-01-01 至 2099-12-31 之间",
        "date “{value}” is not between 1900-01-01 and 2099-12-31",
    ),
    "value.negative": (
        "金额 “{value}” 为负数:余额(贷款为未还本金、存款不得透支、理财为持有份额)及应收、实收利息不能小于 0",
        "amount “{value}” is negative: a balance (a loan's outstanding principal, a deposit that cannot be "
        "overdrawn, a wealth holding) and interest due or received cannot be below 0",
    ),
    # --- rows and cross-table rules -------------------------------------------
    "key.duplicate": (
        "主键重复:{key} 已在第 {first_line} 行出现",
        "duplicate key {key}: already on line {first_line}",
    ),
    "key.duplicate_file": (
        "主键重复:{key} 已在 {first_file} 第 {first_line} 行出现",
        "duplicate key {key}: already in {first_file}, line {first_line}",
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
    "import.crashed": (
        "导入进程意外终止(被强制结束或断电),未存入任何数据;遗留文件已清理",
        "the import's process ended abruptly (killed or a power cut); nothing was stored, its leftovers were removed",
    ),
    "import.repaired": (
        "开始前清理了中断导入的遗留:导入 {imports} 标记为失败,删除暂存目录 {staging} 个、"
        "未登记的存储文件 {files} 个({mb} MB)",
        "before starting, removed what interrupted imports left: import {imports} marked failed, "
        "{staging} staging folders and {files} uncatalogued store files ({mb} MB) removed",
    ),
    "repair.nothing": (
        "没有需要清理的遗留:导入记录、暂存目录和存储文件均一致",
        "nothing to repair: imports, staging and store agree",
    ),
    "repair.done": (
        "已清理:导入 {imports} 标记为失败,删除暂存目录 {staging} 个、未登记的存储文件 {files} 个({mb} MB)",
        "repaired: import {imports} marked failed, {staging} staging folders and {files} uncatalogued store files "
        "({mb} MB) removed",
    ),
    # --- scoring and ratings ----------------------------------------------------
    "scoring.not_decimal": (
        "{what} 的值 “{value}”(类型 {type})不是精确十进制数;评分只接受 Decimal 或整数,不接受浮点数",
        "{what} = “{value}” (type {type}) is not an exact decimal; scoring takes Decimal or int, never float",
    ),
    "scoring.not_finite": ("{what} 的值 “{value}” 不是有限数", "{what} = “{value}” is not a finite number"),
    "scoring.negative": ("{what} 不能为负:{value}", "{what} cannot be negative: {value}"),
    "scoring.target_not_positive": (
        "目标值 {target} 不大于 0(实际值 {actual}),无法计算完成率;此类指标请改用线性计分或分档计分",
        "target {target} is not above 0 (actual {actual}), so actual ÷ target is meaningless; "
        "score such an indicator with linear or bands",
    ),
    "scoring.floor_above_cap": ("下限 {floor} 高于上限 {cap}", "floor {floor} is above cap {cap}"),
    "scoring.floor_above_full": ("扣分下限 {floor} 高于满分 {full}", "floor {floor} is above the full score {full}"),
    "scoring.linear_points": (
        "线性计分的两个点横坐标相同(x0 = x1 = {x})",
        "linear scoring needs two different x values (x0 = x1 = {x})",
    ),
    "scoring.bands_empty": ("分档计分至少需要一个档次", "threshold bands need at least one band"),
    "scoring.bands_duplicate": ("分档界限 {bound} 重复", "band bound {bound} appears more than once"),
    "scoring.part_weights_keys": (
        "综合排名的分项({parts})与分项权重({weights})不一致",
        "the composite rank's parts ({parts}) and part weights ({weights}) do not match",
    ),
    "scoring.weights_zero": ("权重合计为 0", "the weights add up to 0"),
    "scoring.veto_reason": ("一票否决必须写明原因", "a one-vote veto needs a reason"),
    "scoring.coefficient_range": (
        "经验调整系数 {coefficient} 超出 [−0.2, +0.2] 的范围",
        "experience adjustment coefficient {coefficient} is outside [−0.2, +0.2]",
    ),
    "scoring.share_range": ("比例 {what} = {value} 应在 0 与 1 之间", "{what} = {value} must lie between 0 and 1"),
    "ratings.name_duplicate": ("名称 {name} 重复", "{name} appears more than once"),
    "ratings.criteria_weights_sum": (
        "评价指标的权重合计为 {total},应为 100",
        "the criteria weights add up to {total}, not 100",
    ),
    "ratings.role_weights_sum": (
        "评价人角色的权重合计为 {total},应为 100",
        "the rater role weights add up to {total}, not 100",
    ),
    "ratings.criterion_unknown": (
        "评分中的指标 {criterion} 不在评价表中",
        "criterion {criterion} is not on the rating form",
    ),
    "ratings.score_missing": ("评价指标 {criterion} 没有评分", "criterion {criterion} has no score"),
    "ratings.score_range": (
        "评价指标 {criterion} 的评分 {score} 超出 {low}–{high} 分",
        "criterion {criterion}: score {score} is outside {low}–{high}",
    ),
    "ratings.form_invalid": ("评价表有 {count} 处问题", "the rating form has {count} problems"),
    "ratings.pair_value": (
        "比较表({row},{column})的值 “{value}” 无法识别:行优于列填 + 或 1,行不如列填 − 或 0",
        "comparison ({row}, {column}) = “{value}” is not understood: + or 1 when the row is better, − or 0 when worse",
    ),
    "ratings.pair_diagonal": (
        "{name} 与自己的比较(对角线)应为 0,实际为 “{value}”",
        "{name} compared with themself (the diagonal) must be 0, not “{value}”",
    ),
    "ratings.pair_missing": ("{a} 与 {b} 没有比较结果", "{a} and {b} have not been compared"),
    "ratings.pair_inconsistent": (
        "{a} 与 {b} 的两次比较结果相互矛盾",
        "the comparisons ({a}, {b}) and ({b}, {a}) contradict each other",
    ),
    "ratings.matrix_invalid": ("比较表有 {count} 处问题", "the comparison table has {count} problems"),
    "ratings.shares_labels": (
        "强制分配有 {labels} 个等级,却给了 {shares} 个比例",
        "the forced distribution has {labels} grades but {shares} shares",
    ),
    "ratings.shares_sum": (
        "强制分配比例合计为 {total},应为 100",
        "the forced distribution shares add up to {total}, not 100",
    ),
    "ratings.grade_unknown": (
        "{rm_id} 的等级 “{grade}” 不在 {allowed} 之中",
        "{rm_id}: grade “{grade}” is not one of {allowed}",
    ),
    "ratings.grades_invalid": ("等级有 {count} 处问题", "the grades have {count} problems"),
    "ratings.distribution_broken": (
        "等级分布不符合强制分配比例 {shares}(共 {n} 人)",
        "the grades break the forced distribution {shares} ({n} people)",
    ),
    "ratings.grade_too_many": (
        "等级 {grade} 有 {count} 人,最多 {max} 人(多 {excess} 人)",
        "grade {grade} has {count}, at most {max} allowed ({excess} too many)",
    ),
    "ratings.grade_too_few": (
        "等级 {grade} 有 {count} 人,至少 {min} 人(少 {shortfall} 人)",
        "grade {grade} has {count}, at least {min} needed ({shortfall} too few)",
    ),
    "ratings.role_unknown": (
        "评价人角色 “{role}” 未知;可选:{allowed}",
        "unknown rater role “{role}”; allowed: {allowed}",
    ),
    "ratings.role_unweighted": (
        "评价人角色 {role} 有评分,但方案没有给它权重",
        "rater role {role} has scores but no weight",
    ),
    "ratings.role_missing": (
        "缺少评价人角色 {roles} 的评分(方案未允许按其余角色重新折算权重)",
        "no score from rater role(s) {roles} (the scheme does not allow re-weighting over the other roles)",
    ),
    "ratings.no_roles_present": ("没有任何有权重的评价人角色的评分", "no score from any weighted rater role"),
    "ratings.rows_period_mixed": (
        "评分数据包含多个考核期({periods}),请指定考核期",
        "the ratings rows span several periods ({periods}); name the period",
    ),
    "ratings.row_duplicate": (
        "评价人 {rater_id} 对 {rm_id} 的指标 {criterion} 重复评分",
        "rater {rater_id} scored {rm_id} on {criterion} more than once",
    ),
    "ratings.rater_roles": (
        "评价人 {rater_id} 对 {rm_id} 使用了多个角色:{roles}",
        "rater {rater_id} rated {rm_id} under several roles: {roles}",
    ),
    "ratings.rater_problem": ("评价人 {rater_id} 对 {rm_id} 的评价表", "rater {rater_id}'s form for {rm_id}"),
    "ratings.rm_problem": ("{rm_id} 的多方评价", "{rm_id}'s multi-rater blend"),
    "ratings.rows_invalid": ("评分数据有 {count} 处问题", "the ratings rows have {count} problems"),
    # --- schemes ---
    "scheme.file_unreadable": ("无法读取方案文件:{detail}", "cannot read the scheme file: {detail}"),
    "upload.missing": ("请选择要上传的文件", "choose a file to upload"),
    "upload.not_zip": ("{name} 不是有效的 zip 文件", "{name} is not a valid zip file"),
    "upload.too_many": ("{name} 中的文件超过 {limit} 个", "{name} holds more than {limit} files"),
    "upload.link": ("{name} 是链接,数据包中不允许链接", "{name} is a link; a package holds no links"),
    "upload.outside": (
        "{name} 的路径指向数据包之外,已拒绝",
        "the path {name} leads outside the package; refused",
    ),
    "upload.encrypted": ("{name} 已加密,无法读取", "{name} is encrypted and cannot be read"),
    "upload.too_large": ("{name} 超过上传上限 {limit}", "{name} is over the upload limit of {limit}"),
    "upload.bomb": (
        "{name} 解压后大小超过压缩大小的 {ratio} 倍,疑为压缩炸弹,已拒绝",
        "{name} unpacks to more than {ratio} times its size (a decompression bomb?); refused",
    ),
    "upload.zip_alone": (
        "请只上传一个 zip({name}),或只上传数据包中的文件",
        "upload one zip alone ({name}), or the package's files without a zip",
    ),
    "upload.bad_suffix": (
        "{name} 不是数据包中的文件(可用:{allowed})",
        "{name} is not a package's file (use: {allowed})",
    ),
    "upload.nothing_inside": ("{name} 中没有任何文件", "{name} holds no file"),
    "scheme.too_large": ("方案文件 {name} 超过 {limit},未检查", "the scheme file {name} is over {limit}; not checked"),
    "scheme.file_not_utf8": (
        "方案文件 {name} 不是 UTF-8 文本(第 {at} 字节)",
        "the scheme file {name} is not UTF-8 text (byte {at})",
    ),
    "scheme.not_found": (
        "找不到方案 {name}(既不是文件,也不是内置模板)",
        "scheme {name} not found (neither a file nor a template)",
    ),
    "scheme.yaml_syntax": ("YAML 语法错误:{detail}", "YAML syntax error: {detail}"),
    "scheme.duplicate_key": (
        "键 {key} 重复(第 {first_line} 行已出现)",
        "key {key} appears twice (first on line {first_line})",
    ),
    "scheme.not_mapping": (
        "方案文件的顶层应为“键: 值”映射",
        "the top level of a scheme file must be a mapping of keys to values",
    ),
    "scheme.missing": ("缺少必填项", "required key is missing"),
    "scheme.unknown_key": ("未知的键 {key}(拼写错误?)", "unknown key {key} (misspelt?)"),
    "scheme.flow_comma": (
        "未知的键 {key}:在 {{…}} 里写含逗号的值(如公式)时,请给值加引号",
        "unknown key {key}: inside {{…}}, quote a value that contains a comma (such as a formula)",
    ),
    "scheme.not_number": ("“{value}” 不是数字", "“{value}” is not a number"),
    "scheme.not_int": ("“{value}” 不是整数", "“{value}” is not a whole number"),
    "scheme.not_date": ("“{value}” 不是日期(应为 YYYY-MM-DD)", "“{value}” is not a date (expected YYYY-MM-DD)"),
    "scheme.not_bool": ("“{value}” 不是 true/false", "“{value}” is not true/false"),
    "scheme.not_text": ("应为文本", "expected text"),
    "scheme.not_list": ("应为列表", "expected a list"),
    "scheme.not_mapping_value": ("应为“键: 值”映射", "expected a mapping of keys to values"),
    "scheme.not_allowed": (
        "取值 “{value}” 不在允许范围内:{allowed}",
        "“{value}” is not allowed; use one of: {allowed}",
    ),
    "scheme.too_short": ("至少需要 {min} 项", "needs at least {min} entries"),
    "scheme.out_of_range": ("“{value}” 超出范围:{detail}", "“{value}” is out of range: {detail}"),
    "scheme.invalid": ("取值无效:{detail}", "invalid value: {detail}"),
    "scheme.unknown_method": (
        "未知的计分方法 “{value}”;可用:{allowed}",
        "unknown scoring method “{value}”; use one of: {allowed}",
    ),
    "scheme.method_missing": ("缺少计分方法 method;可用:{allowed}", "method is missing; use one of: {allowed}"),
    "scheme.unknown_target_kind": (
        "未知的目标类型 “{value}”;可用:{allowed}",
        "unknown target kind “{value}”; use one of: {allowed}",
    ),
    "scheme.bad_key": (
        "“{value}” 不能作为标识:只能用小写字母、数字和下划线,并以字母开头",
        "“{value}” cannot be used as a key: lower-case letters, digits and _ only, starting with a letter",
    ),
    "scheme.bad_id": (
        "方案编号 “{value}” 只能用小写字母、数字、- 和 _",
        "scheme id “{value}” may use lower-case letters, digits, - and _ only",
    ),
    "scheme.duplicate_id": (
        "{what} “{key}” 重复(已在 {first} 定义)",
        "{what} “{key}” is defined twice (first at {first})",
    ),
    "scheme.name_clash": (
        "名称 “{name}” 既是{first}又是{second},请改名",
        "the name “{name}” is both {first} and {second}; rename one",
    ),
    "scheme.name_reserved": (
        "“{name}” 是公式函数名,不能用作名称",
        "“{name}” is a formula function and cannot be a name",
    ),
    "scheme.unknown_indicator": ("未知的引擎指标代码 “{code}”", "unknown engine indicator code “{code}”"),
    "scheme.input_kind": (
        "输入须二选一:indicator(引擎指标)或 manual: true(上传值)",
        "an input needs exactly one of indicator (an engine indicator) or manual: true (an uploaded value)",
    ),
    "scheme.blank_category": ("指标类别 category 不能为空", "category cannot be blank"),
    "scheme.unknown_input": (
        "“{name}” 不是已定义的输入、自定义指标或引擎指标代码",
        "“{name}” is not a defined input, custom indicator or engine indicator code",
    ),
    "scheme.input_required": ("计分方法 {method} 需要 input", "method {method} needs an input"),
    "scheme.formula_empty": ("公式为空", "the formula is empty"),
    "scheme.formula_too_long": (
        "公式有 {length:,} 个字符,超过上限 {limit:,}:请拆成几个自定义指标",
        "the formula has {length:,} characters, more than the limit of {limit:,}: split it into custom indicators",
    ),
    "scheme.formula_too_complex": (
        "公式过于复杂(超过 {limit} 个组成部分或嵌套过深):请拆成几个自定义指标",
        "the formula is too complex (more than {limit} pieces, or nested too deep): split it into custom indicators",
    ),
    "scheme.number_range": (
        "数字 “{snippet}” 超出范围:方案中的数字须小于 10^15 且不超过 18 位有效数字",
        "the number “{snippet}” is out of range: a scheme's numbers are below 10^15 with 18 digits at most",
    ),
    "scheme.file_too_large": (
        "方案文件超过 {limit:,} 字节,不予读取",
        "the scheme file is larger than {limit:,} bytes; not read",
    ),
    "scheme.yaml_aliases": (
        "方案文件的 YAML 别名(*name)展开后超过 {limit:,} 个值(或别名引用自身),疑似“十亿笑声”攻击,不予读取",
        "the scheme file's YAML aliases (*name) expand to more than {limit:,} values (or refer to themselves), "
        "as a “billion laughs” file does; not read",
    ),
    "scheme.formula_syntax": (
        "公式语法错误:{detail}(第 {offset} 个字符附近)",
        "formula syntax error: {detail} (near character {offset})",
    ),
    "scheme.formula_attribute": (
        "公式中不允许属性访问:“{snippet}”",
        "attribute access is not allowed in a formula: “{snippet}”",
    ),
    "scheme.formula_subscript": (
        "公式中不允许下标:“{snippet}”",
        "subscripts are not allowed in a formula: “{snippet}”",
    ),
    "scheme.formula_lambda": ("公式中不允许 lambda:“{snippet}”", "lambda is not allowed in a formula: “{snippet}”"),
    "scheme.formula_constant": (
        "公式中只允许数字常量:“{snippet}”",
        "only numbers are allowed as constants in a formula: “{snippet}”",
    ),
    "scheme.formula_forbidden": (
        "公式中不允许这种写法:“{snippet}”",
        "this construct is not allowed in a formula: “{snippet}”",
    ),
    "scheme.formula_operator": (
        "公式中不允许运算符 {operator}:“{snippet}”",
        "operator {operator} is not allowed in a formula: “{snippet}”",
    ),
    "scheme.formula_function": (
        "公式中不允许调用 {name};可用:{allowed}",
        "calling {name} is not allowed in a formula; available: {allowed}",
    ),
    "scheme.formula_call": (
        "公式中只能调用内置函数:“{snippet}”",
        "only the built-in functions can be called: “{snippet}”",
    ),
    "scheme.formula_call_keywords": (
        "函数 {name} 只接受按位置给出的参数",
        "function {name} takes positional arguments only",
    ),
    "scheme.formula_arity": (
        "函数 {name} 需要 {expected} 个参数,实际 {found} 个",
        "function {name} takes {expected} arguments, got {found}",
    ),
    "scheme.formula_function_as_name": ("“{name}” 是函数,应写成 {name}(…)", "“{name}” is a function; write {name}(…)"),
    "scheme.formula_unknown_name": (
        "公式中的名称 “{name}” 不是输入、常量、自定义指标或引擎指标代码",
        "the name “{name}” in the formula is not an input, constant, custom indicator or engine indicator code",
    ),
    "scheme.formula_condition": (
        "where 的条件应为比较(< <= > >= == !=,可用 and/or/not 连接):“{snippet}”",
        "the condition of where must be a comparison (< <= > >= == !=, joined with and/or/not): “{snippet}”",
    ),
    "scheme.formula_condition_as_number": (
        "比较或逻辑条件只能用作 where 的条件:“{snippet}”",
        "a comparison can only be the condition of where: “{snippet}”",
    ),
    "scheme.formula_list": (
        "列表只能用作 tiers 的档位表:“{snippet}”",
        "a list can only be the table of tiers: “{snippet}”",
    ),
    "scheme.formula_tiers": (
        "tiers 的第二个参数应为 [[界限, 值], …],界限与值为数字且界限递增:“{snippet}”",
        "the second argument of tiers must be [[bound, value], …] of numbers with ascending bounds: “{snippet}”",
    ),
    "scheme.formula_cycle": ("自定义指标循环引用:{cycle}", "custom indicators refer to each other in a cycle: {cycle}"),
    "scheme.dated_need_from": (
        "有多条生效值时,每条都需要 from",
        "with more than one dated entry, every entry needs from",
    ),
    "scheme.dated_order": (
        "生效日期应按先后排列:{date} 不晚于前一条的 {previous}",
        "dated entries must be in date order: {date} is not after {previous}",
    ),
    "scheme.dated_overlap": (
        "生效期重叠:前一条至 {to} 止,本条自 {date} 起",
        "dated entries overlap: the previous one runs to {to}, this one starts {date}",
    ),
    "scheme.dated_to_before_from": ("to {to} 早于 from {from_}", "to {to} is before from {from_}"),
    "scheme.weights_sum": (
        "维度权重合计为 {total},应为 100{when}",
        "the dimension weights add up to {total}, not 100{when}",
    ),
    "scheme.item_weights_sum": (
        "维度 {dimension} 的指标权重合计为 {total},与维度权重 {weight} 不符{when}",
        "the item weights of dimension {dimension} add up to {total}, not its weight {weight}{when}",
    ),
    "scheme.when_from": ("(自 {date} 起)", " (from {date})"),
    "scheme.weight_required": ("指标需要权重 weight", "the item needs a weight"),
    "scheme.weight_not_zero": (
        "计分方法 {method} 不计入权重,weight 应为 0 或不写",
        "method {method} is outside the weights; weight must be 0 or omitted",
    ),
    "scheme.needs_target": ("计分方法 {method} 需要目标值 target", "method {method} needs a target"),
    "scheme.bands_order": ("分档界限重复:{bound}", "a band bound appears twice: {bound}"),
    "scheme.linear_points": ("x0 与 x1 不能相等({x})", "x0 and x1 cannot be equal ({x})"),
    "scheme.floor_cap": ("下限 floor {floor} 大于上限 cap {cap}", "floor {floor} is above cap {cap}"),
    "scheme.negative": ("{what} 不能为负数:{value}", "{what} cannot be negative: {value}"),
    "scheme.share_range": ("{what} 应在 0 到 1 之间:{value}", "{what} must be between 0 and 1: {value}"),
    "scheme.limit_range": (
        "经验调整幅度 limit 应在 0 到 0.2 之间(004):{value}",
        "the experience limit must be between 0 and 0.2 (004): {value}",
    ),
    "scheme.percent_sum": ("{what} 合计为 {total},应为 100", "{what} add up to {total}, not 100"),
    "scheme.rating_criteria": ("量表法需要评价要素 criteria", "the rating scale needs criteria"),
    "scheme.distribution_len": (
        "强制分配比例与等级分值的个数不一致({shares} 与 {grades})",
        "the forced distribution has {shares} shares but {grades} grade shares",
    ),
    "scheme.basis_value": (
        "计息天数 basis 只能是 365 或 360:{value}",
        "the day-count basis must be 365 or 360: {value}",
    ),
    "scheme.provision_grades": (
        "贷款损失准备比例需要且只需要五级分类:{allowed}",
        "provision rates need exactly the five grades: {allowed}",
    ),
    "scheme.vip_floors": (
        "贵宾户档位下限应为正数、互不相同且从高到低排列",
        "VIP floors must be positive, distinct and highest first",
    ),
    "scheme.unknown_dimension": ("“{name}” 不是方案中的维度", "“{name}” is not a dimension of the scheme"),
    "scheme.variant_path": (
        "变体路径 “{path}” 不指向方案中的维度或指标",
        "variant path “{path}” names no dimension or item of the scheme",
    ),
    "scheme.variant_field": (
        "变体不能修改 “{field}”;可修改:{allowed}",
        "a variant cannot set “{field}”; it may set: {allowed}",
    ),
    "scheme.empty_applies": ("适用范围中的机构编号不能为空", "an org id in applies_to cannot be blank"),
    "scheme.valid_range": ("valid_to {to} 早于 valid_from {from_}", "valid_to {to} is before valid_from {from_}"),
    "scheme.period_kind": (
        "方案 {scheme} 不适用于{kind}考核期;适用于:{allowed}",
        "scheme {scheme} does not run for {kind} periods; it runs for: {allowed}",
    ),
    "scheme.outside_validity": (
        "考核期末 {date} 不在方案有效期({from_} 至 {to})内",
        "the period's last day {date} is outside the scheme's validity ({from_} to {to})",
    ),
    "scheme.no_value_in_force": ("{date} 没有生效的取值", "no value is in force on {date}"),
    "scheme.period_dates": ("考核期起止日期有误:{start} 至 {end}", "the period's dates are wrong: {start} to {end}"),
    "scheme.table_missing_column": (
        "上传表缺少必需的列 {column}",
        "the uploaded table lacks the required column {column}",
    ),
    "scheme.table_unknown_key": (
        "{column} “{value}” 不是方案中的{what}",
        "{column} “{value}” is not {what} of the scheme",
    ),
    "scheme.table_number": ("“{value}” 不是数字", "“{value}” is not a number"),
    "scheme.table_blank": ("{column} 不能为空", "{column} cannot be blank"),
    "scheme.table_duplicate": (
        "重复的行:{key}(第 {first_line} 行已出现)",
        "duplicate row {key} (first on line {first_line})",
    ),
    "scheme.table_period": ("考核期 “{value}” 无法解析", "cannot parse the period “{value}”"),
    "scheme.ratings_refused": (
        "指标 {item} 的定性评价被拒绝(组 {group})",
        "the ratings of item {item} are refused (group {group})",
    ),
    "scheme.kind_month": ("月度", "monthly"),
    "scheme.kind_quarter": ("季度", "quarterly"),
    "scheme.kind_half": ("半年", "half-yearly"),
    "scheme.kind_year": ("年度", "annual"),
    "scheme.weights_zero": (
        "贡献度、进步率、计划达到率的权重 a、b、c 不能全为 0",
        "the weights a, b, c of contribution, progress and plan cannot all be 0",
    ),
    "scheme.what_item": ("指标", "an item"),
    "scheme.what_input": ("手工输入项", "a manual input"),
    "scheme.what_dimension": ("维度", "dimension"),
    "scheme.what_itemkey": ("指标", "item"),
    "scheme.what_input_name": ("输入", "input"),
    "scheme.what_custom": ("自定义指标", "custom indicator"),
    "scheme.what_constant": ("常量", "constant"),
    "scheme.what_variant": ("变体", "variant"),
    "scheme.what_indicator": ("引擎指标代码", "an engine indicator code"),
    # --- scheme evaluation notes (per RM) ---
    "scheme.note.missing_input": ("{name} 无取值", "{name} has no value"),
    "scheme.note.division_by_zero": ("{name}:除数为零,无取值", "{name}: division by zero, no value"),
    "scheme.note.no_target": ("指标 {item} 没有目标值", "item {item} has no target"),
    "scheme.note.no_previous": ("指标 {item} 没有上年同期值", "item {item} has no value for the same period last year"),
    "scheme.note.scored_missing": ("指标 {item} 无取值,按 {rule} 计分", "item {item} has no value; scored as {rule}"),
    "scheme.note.scored_missing_zero": ("指标 {item} 无取值,计 0 分", "item {item} has no value: scored 0"),
    "scheme.note.scored_missing_full": (
        "指标 {item} 无取值(如本期无此业务),按满分计",
        "item {item} has no value (e.g. no such business this period): full marks",
    ),
    "scheme.note.scored_missing_skip": (
        "指标 {item} 无取值,不参与本人计分",
        "item {item} has no value: left out of this RM's score",
    ),
    "scheme.note.refused": ("指标 {item} 无法计分", "item {item} cannot be scored"),
    "scheme.note.experience_missing": ("没有经验调整系数,不作调整", "no experience coefficient; no adjustment"),
    "scheme.note.experience_range": (
        "经验调整系数 {value} 超出 ±{limit},不作调整",
        "the experience coefficient {value} is beyond ±{limit}; no adjustment",
    ),
    "scheme.note.no_team": ("没有所属团队,不作团队加权", "no team; no team blend"),
    "scheme.note.veto": ("一票否决:{reason}", "one-vote veto: {reason}"),
    "scheme.note.no_rating": ("指标 {item} 没有定性评价", "item {item} has no ratings"),
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


# --- pay ---
# Pay rules (rmperf.core.pay.rules) and the scheme file's ``pay:`` section (rmperf.core.scheme.load).
MESSAGES.update(
    {
        # refusals of compute_pay
        "pay.problems": ("薪酬计算有 {count} 处问题", "{count} problems in the pay computation"),
        "pay.unknown_rm": (
            "客户经理 {rm} 不在名单中(缺少其机构、岗位、职级)",
            "RM {rm} is not in the list of RMs (no org, post or grade)",
        ),
        "pay.duplicate_rm": ("客户经理 {rm} 的考核结果出现了两次", "RM {rm} has two results"),
        "pay.bad_result": ("客户经理 {rm} 的考核结果缺少 {field}", "the result of RM {rm} has no {field}"),
        "pay.not_decimal": (
            "{what} 不是精确小数(收到 {value});金额不得使用浮点数",
            "{what} is not an exact decimal (got {value}); amounts are never floats",
        ),
        "pay.pool_missing": ("缺少 {org} 的奖金池金额", "no bonus pool amount for {org}"),
        "pay.pool_negative": (
            "{org} 的奖金池金额不能为负数:{amount}",
            "the bonus pool of {org} cannot be negative: {amount}",
        ),
        "pay.pool_no_org": (
            "客户经理 {rm} 没有所属的{level}机构,无法确定奖金池",
            "RM {rm} has no {level} org, so no bonus pool applies",
        ),
        "pay.adjustment_unknown_rm": (
            "调整的客户经理 {rm} 不在本次计算结果中",
            "the adjusted RM {rm} is not among the results",
        ),
        "pay.adjustment_not_allowed": (
            "本方案不允许支行调整维护绩效(客户经理 {rm})",
            "this scheme allows no sub-branch adjustment of maintenance pay (RM {rm})",
        ),
        "pay.adjustment_no_maintenance": (
            "本方案没有维护绩效,无从调整(客户经理 {rm})",
            "the scheme has no maintenance pay to adjust (RM {rm})",
        ),
        "pay.adjustment_no_reason": (
            "客户经理 {rm} 的维护绩效调整没有填写理由",
            "the adjustment of RM {rm}'s maintenance pay gives no reason",
        ),
        "pay.adjustment_amount_or_share": (
            "客户经理 {rm} 的维护绩效调整须给出调整金额或调整比例之一",
            "the adjustment of RM {rm}'s maintenance pay needs exactly one of an amount and a share",
        ),
        "pay.adjustment_beyond_limit": (
            "客户经理 {rm} 的维护绩效调整 {amount} 元超出 ±{limit}(维护绩效 {base} 元,最多调整 ±{max} 元)",
            "the adjustment of RM {rm}'s maintenance pay, {amount} yuan, is beyond ±{limit}"
            " (maintenance pay {base} yuan, at most ±{max} yuan)",
        ),
        # notes on a pay line
        "pay.note.missing_figure": (
            "{name} 无取值({refs}),相关薪酬项不计",
            "{name} has no value ({refs}); not paid",
        ),
        "pay.note.no_amount": (
            "{what}:本方案没有该客户经理适用的金额",
            "{what}: the scheme sets no amount for this RM",
        ),
        "pay.note.no_cycle_share": (
            "{kind}考核不分配年度绩效预算",
            "no share of the annual performance budget is paid in {kind} runs",
        ),
        "pay.note.no_pay_this_cycle": (
            "本方案在{kind}考核({cycle})中不计发薪酬",
            "the scheme pays nothing in {kind} runs ({cycle})",
        ),
        "pay.note.negative_figure": (
            "{name} 的计算基数为负({value}),按 0 计",
            "{name}: the figure is negative ({value}); 0 used",
        ),
        "pay.note.no_target": (
            "没有正的目标值,无法计算完成率:按最低档计",
            "no positive target, so no achievement: the lowest tier applies",
        ),
        "pay.note.bonus_not_this_cycle": (
            "奖金不在{kind}考核中发放",
            "the bonus is not paid in {kind} runs",
        ),
        "pay.note.negative_points": (
            "分值为负({value}),分配奖金池时按 0 计",
            "negative points ({value}) count as 0 in the pool",
        ),
        "pay.note.pool_undistributed": (
            "{org} 的分值合计为 0:奖金池 {amount} 元未分配",
            "the points of {org} add up to 0: the pool of {amount} yuan is not distributed",
        ),
        "pay.note.pool_remainder": (
            "按最大余额法分配尾差,各人合计恰等于奖金池",
            "rounded by largest remainder so that the shares add up to the pool exactly",
        ),
        "pay.note.veto_no_reward": ("一票否决,不计超额奖励", "vetoed: no over-target reward"),
        "pay.note.veto_no_pool": ("一票否决,不参与奖金池分配", "vetoed: no share of the bonus pool"),
        "pay.note.veto_no_award": ("一票否决,不计{name}", "vetoed: no {name}"),
        "pay.note.no_excess_figure": (
            "指标 {item} 没有实际值或目标值,不计超额奖励",
            "item {item} has no value or no target: no over-target reward",
        ),
        "pay.note.adjustment": ("支行调整理由:{reason}{by}", "sub-branch's reason: {reason}{by}"),
        "pay.note.settled": (
            "按年累计结算:本年累计应发减去本年此前结算已发({since})",
            "year-to-date settlement: the year so far less what this year's earlier settlements paid ({since})",
        ),
        "pay.note.grace": (
            "宽限期:基础工资按 {grade} 标准(003 第二十七条1)",
            "grace period: base salary at the {grade} standard (003 art. 27.1)",
        ),
        "pay.note.living_allowance": (
            "宽限期满仍低于初级一档:只发基本生活费(003 第二十七条1)",
            "below the lowest grade after the grace months: the living allowance only (003 art. 27.1)",
        ),
        "pay.note.no_adjustment_living_allowance": (
            "只发基本生活费:支行调整不适用",
            "living allowance only: the sub-branch's adjustment does not apply",
        ),
        "pay.note.probation_base": (
            "试用期:基础工资按非理财客户经理薪酬标准(003 第十六条)",
            "probation: base salary at the non-RM standard (003 art. 16)",
        ),
        "pay.note.probation_bonus_kept": (
            "试用期:绩效工资 {earned} 元不低于非理财客户经理奖金标准 {standard} 元,按绩效工资发放(003 第十六条)",
            "probation: the performance pay {earned} is not below the non-RM bonus standard {standard}; "
            "it is paid (003 art. 16)",
        ),
        "pay.note.adjustment_carried": (
            "沿用批次 {run} 记录的支行调整(同一方案、同一考核期的更正计算)",
            "the sub-branch's adjustment recorded on run {run} carries over (a corrected run of the same "
            "scheme and period)",
        ),
        "pay.adjustment_carried_beyond_limit": (
            "客户经理 {rm} 在批次 {run} 记录的支行调整 {amount} 元超出本批次维护绩效 {base} 元的 ±{limit}:"
            "请支行确认该调整是否仍然有效,重新记录(rmperf adjust)或撤回(rmperf adjust --withdraw)后再计发",
            "the sub-branch's adjustment of RM {rm} recorded on run {run}, {amount} yuan, is beyond ±{limit} of "
            "this run's maintenance pay ({base} yuan): the sub-branch must say whether it still stands — record "
            "it again (rmperf adjust) or withdraw it (rmperf adjust --withdraw) — before pay is posted",
        ),
        # the scheme file's pay section
        "scheme.pay_empty": ("薪酬规则 pay 为空:至少给出一项规则", "the pay section is empty: give at least one rule"),
        "scheme.pay_unknown_ref": (
            "未知的取数 “{ref}”:可用 total、subtotal、dimension.<维度>、points.<维度>、item.<指标>、"
            "value.<指标>、target.<指标> 或 measures 中定义的名称",
            "unknown figure “{ref}”: use total, subtotal, dimension.<dim>, points.<dim>, item.<item>,"
            " value.<item>, target.<item> or a name defined under measures",
        ),
        "scheme.pay_measure_name": (
            "取数名称 “{name}” 与内置取数冲突,请换一个名称",
            "measure name “{name}” clashes with a built-in figure; choose another",
        ),
        "scheme.pay_range": (
            "{what} 应在 {low} 到 {high} 之间:{value}",
            "{what} must be between {low} and {high}: {value}",
        ),
        "scheme.pay_one_score_rule": (
            "按得分计酬的规则只能选一种,现有:{rules}",
            "choose one rule that turns the score into pay; found: {rules}",
        ),
        "scheme.pay_model_needs": ("薪酬模式 {model} 需要 {part}", "pay model {model} needs {part}"),
        "scheme.pay_model_forbids": ("薪酬模式 {model} 不含 {part}", "pay model {model} has no {part}"),
        "scheme.pay_bonus_needs_commission": (
            "奖金按佣金的比例计发:需要 commission,或用 of 指明奖金基数",
            "the bonus is a share of the commission: add commission, or name the bonus base with of",
        ),
        "scheme.pay_commission_rate": (
            "佣金须给出 rate 或 tiers 之一",
            "the commission needs exactly one of rate and tiers",
        ),
        "scheme.pay_bands_order": (
            "分档下限应从小到大且不重复:{bound}",
            "band lower bounds must ascend without repeats: {bound}",
        ),
        "scheme.pay_tiers_start": (
            "佣金档次应从完成率 0 开始,现为 {bound}",
            "commission tiers must start at achievement 0, not {bound}",
        ),
        "scheme.pay_target_needed": (
            "按完成率分档需要 target(取数)或 target_amount(金额)",
            "tiers by achievement need target (a figure) or target_amount (an amount)",
        ),
        "scheme.pay_target_both": (
            "target 与 target_amount 只能给出一个",
            "give only one of target and target_amount",
        ),
        "scheme.pay_shares_sum": (
            "各周期占比之和应为 1,现为 {total}{when}",
            "the cycle shares add up to {total}, not 1{when}",
        ),
        "scheme.pay_pool_source": (
            "奖金池须给出 amount 或 from_table: true 之一",
            "the bonus pool needs exactly one of amount and from_table: true",
        ),
        "scheme.pay_cycle_kind": (
            "{kind} 不是本方案的考核周期(可用:{allowed})",
            "{kind} is not a period kind of the scheme (use: {allowed})",
        ),
        "scheme.pay_unknown_item": ("“{name}” 不是方案中的指标", "“{name}” is not an item of the scheme"),
        "scheme.pay_item_no_target": (
            "指标 {item} 没有目标值,无法计算超额部分",
            "item {item} has no target, so it has no excess over target",
        ),
        "scheme.pay_amount_table": (
            "金额表为空:给出 amount、by_grade 或 by_post",
            "the amount table is empty: give amount, by_grade or by_post",
        ),
        "scheme.pay_budget_per": (
            "年度绩效预算按年给出,per 应为 year",
            "the performance budget is annual: per must be year",
        ),
        "scheme.pay_adjust_needs_maintenance": (
            "maintenance_adjustment_limit 需要至少一项 maintenance: true 的绩效",
            "maintenance_adjustment_limit needs a performance part marked maintenance: true",
        ),
        "scheme.pay_reserve_both": (
            "风险保证金按比例 reserve_rate 或分档 reserve_bands,只能选一种",
            "the risk reserve is either reserve_rate or reserve_bands, not both",
        ),
        "scheme.pay_reserve_band": (
            "分档风险保证金的每一档须给出 rate 或 flat 之一",
            "each band of the risk reserve needs exactly one of rate and flat",
        ),
        "scheme.pay_reserve_band_order": (
            "分档风险保证金的上限应从小到大,只有最后一档可以不设上限",
            "reserve band limits must ascend; only the last band may have no limit",
        ),
        "scheme.pay_deferral_share": (
            "关键岗位绩效薪酬延期支付比例不得低于 40 %(2010 年《商业银行稳健薪酬监管指引》):{value}",
            "at least 40 % of a key risk post's performance pay is deferred (2010 bank pay guideline): {value}",
        ),
        "scheme.pay_deferral_years": (
            "延期支付期限不得少于 3 年(2010 年《商业银行稳健薪酬监管指引》):{value}",
            "deferral runs at least 3 years (2010 bank pay guideline): {value}",
        ),
        "scheme.pay_settlement_window": (
            "settlement: year_to_date 按年累计结算,需要方案的 window: year_to_date(指标取年初至期末)",
            "settlement: year_to_date needs the scheme's window: year_to_date (the indicators of the year so far)",
        ),
        "scheme.pay_at_least": ("{what} 至少为 {low}:{value}", "{what} must be at least {low}: {value}"),
    }
)


# --- grades ---
# grade proposals (003) and the consequences of results (002): rmperf.core.pay.grades / .consequences
MESSAGES.update(
    {
        "grades.ladder_errors": ("等级表有 {n} 处错误:", "{n} problem(s) in the grade ladder:"),
        "grades.ref_missing": (
            "缺少依据(ref):等级表的每个取值都须注明出处,如 “003 附件1”",
            "missing ref: every value of the ladder names where it comes from, e.g. “003 附件1”",
        ),
        "grades.duplicate_grade": ("职级 {grade} 重复", "grade {grade} appears more than once"),
        "grades.order": (
            "职级应由低到高排列:{grade} 不能排在 {previous} 之后",
            "grades go lowest first: {grade} cannot follow {previous}",
        ),
        "grades.unknown_grade": ("职级 {grade} 不在等级表中", "grade {grade} is not on the ladder"),
        "grades.not_increasing": (
            "{grade} 的{measure}标准 {value} 应高于下一级 {previous} 的 {previous_value}({day} 起)",
            "the {measure} standard of {grade}, {value}, must be above {previous_value} of {previous} (from {day})",
        ),
        "grades.share_range": ("比例 {value} 应大于 0 且不超过 1", "the share {value} must be above 0 and at most 1"),
        "grades.positive": ("取值 {value} 应大于 0", "the value {value} must be above 0"),
        "grades.min_value": ("取值 {value} 不能小于 {min}", "the value {value} cannot be below {min}"),
        "grades.not_in_force": ("{day} 没有生效的取值", "no value in force on {day}"),
        "grades.before_valid_from": (
            "等级表自 {valid_from} 起生效,{day} 早于生效日",
            "the ladder is in force from {valid_from}; {day} is earlier",
        ),
        "grades.not_evaluation_month": (
            "{day} 不在评定月份:年度评定在 {year} 月、半年评定在 {half} 月进行(003 第十条)",
            "{day} is not in an evaluation month: the annual evaluation is in month {year}, "
            "the half-year one in month {half} (003 art. 10)",
        ),
        "grades.measure.simulated_profit": ("模拟利润", "simulated profit"),
        "grades.measure.aum_increment": ("管理资产新增", "AUM increment"),
        "grades.measure.simulated_profit_floor": ("模拟利润(降级线)", "simulated profit (demotion floor)"),
        "grades.measure.committed_profit": ("承诺模拟利润", "committed simulated profit"),
        "grades.measure.committed_aum_balance": ("承诺管理资产余额", "committed AUM balance"),
        "grades.action.promote": ("晋级", "promote"),
        "grades.action.keep": ("维持", "keep"),
        "grades.action.demote": ("降级", "demote"),
        "grades.action.grace": ("宽限期", "grace period"),
        "grades.action.living_allowance": ("基本生活费", "living allowance"),
        "grades.action.return_to_hr": ("退回人力资源部", "back to HR"),
        "grades.action.on_probation": ("试用期中", "on probation"),
        "grades.action.early_confirmation": ("可提前转正", "early confirmation"),
        "grades.action.confirm": ("试用期满转正", "confirm after probation"),
        "grades.action.probation_demote": ("试用期满降级", "demote after probation"),
        "grades.action.probation_exit": ("解聘或转岗", "dismiss or transfer"),
        "grades.action.review": ("人工审核", "review"),
        "grades.basis.annual": ("年度标准", "annual standard"),
        "grades.basis.half": ("上半年标准(年度标准×{share})", "first-half standard (annual × {share})"),
        "grades.rule.promote": (
            "建议晋升 {steps} 档至{to}:模拟利润与管理资产新增均达到{to}的{basis}(003 附件1 备注2)",
            "promote {steps} grade(s) to {to}: both the simulated profit and the AUM increment reach "
            "the {basis} of {to} (003 appendix 1, note 2)",
        ),
        "grades.rule.keep": (
            "维持{current}:管理资产新增达到本级{basis},模拟利润不低于本级标准的 {floor},未同时达到更高一级的两项标准",
            "keep {current}: the AUM increment reaches its {basis}, the simulated profit is at least {floor} of it, "
            "and the next grade's two standards are not both reached",
        ),
        "grades.rule.demote": (
            "建议降 {steps} 档至{to}:{why}(003 附件1 备注3;第二十三条2(2),比照附件1确定所降级别,{basis})",
            "demote {steps} grade(s) to {to}: {why} (003 appendix 1, note 3; art. 23.2(2): "
            "the new grade by appendix 1, {basis})",
        ),
        "grades.rule.demote_leader": (
            "建议降至{to}(承担管理职责,逐级下降):{why}(003 第二十三条2(3)、3,{basis})",
            "demote to {to} (leads a unit: one grade at a time): {why} (003 art. 23.2(3) and 23.3, {basis})",
        ),
        "grades.rule.grace": (
            "低于{lowest}标准:{why};给予 {months} 个月宽限期(尚余 {left} 个月),"
            "宽限期内按{lowest}待遇,期满复核(003 第二十七条1)",
            "below the {lowest} standard: {why}; {months} months' grace ({left} left) at {lowest} pay, "
            "then reviewed again (003 art. 27.1)",
        ),
        "grades.rule.living_allowance": (
            "{months} 个月宽限期已满,仍低于{lowest}标准:{why};建议只发放基本生活费 {allowance} 元/月,"
            "安排在岗业务学习及考试,再决定进入见习序列或退出客户经理序列(003 第二十七条1)",
            "the {months} months' grace is over and the RM is still below the {lowest} standard: {why}; "
            "pay only the living allowance of {allowance} yuan a month, arrange study and an exam, then decide "
            "between the trainee sequence and leaving the RM sequence (003 art. 27.1)",
        ),
        "grades.rule.return_to_hr": (
            "见习客户经理未达到见习标准:{why};建议退回人力资源部(003 第二十七条2)",
            "a trainee below the trainee standard: {why}; return to HR (003 art. 27.2)",
        ),
        "grades.rule.on_probation": (
            "试用期至 {end},期满按入职时承诺的标准考核(003 第十四、十七条);本次不调整职级",
            "on probation until {end}, judged then against the committed standard (003 arts. 14, 17); "
            "no grade change now",
        ),
        "grades.rule.early_confirmation": (
            "试用期至 {end},业绩已达到{current}承诺标准,可提前转正(003 第十五条)",
            "on probation until {end}; the {current} committed standard is already met: "
            "may be confirmed early (003 art. 15)",
        ),
        "grades.rule.confirm": (
            "试用期已于 {end} 期满,业绩达到承诺标准:按{current}转正,原则上不晋级(003 第十七、十八条)",
            "probation ended on {end} with the committed standard met: confirm as {current}, "
            "without promotion (003 arts. 17, 18)",
        ),
        "grades.rule.probation_demote": (
            "试用期已于 {end} 期满,未达到入职时承诺的业绩:建议比照附件1降至{to}(003 第二十三条2(1))",
            "probation ended on {end} below the committed standard: demote to {to} by appendix 1 (003 art. 23.2(1))",
        ),
        "grades.rule.probation_exit": (
            "试用期已于 {end} 期满,业绩低于{lowest}(业务员级)试用期标准:建议解聘或转岗(003 第十七条)",
            "probation ended on {end} below the {lowest} (clerk) probation standard: dismiss or transfer (003 art. 17)",
        ),
        "grades.rule.trainee_probation": (
            "见习试用期已于 {end} 期满:由零售银行部组织考评,考核通过予以聘任(003 第十七条);不作定量建议",
            "trainee probation ended on {end}: the retail department assesses and appoints (003 art. 17); "
            "no figure-based proposal",
        ),
        "grades.rule.no_figures": (
            "计算批次中没有该客户经理的业绩数字,无法建议",
            "the run holds no figures for this RM; nothing to propose",
        ),
        "grades.rule.no_grade": (
            "没有现职级记录:按业绩可达{reach},请人工确定",
            "no current grade on record: the figures reach {reach}; to be set by hand",
        ),
        "grades.rule.no_grade_none": (
            "没有现职级记录,业绩未达到任何职级标准,请人工确定",
            "no current grade on record and the figures reach no grade; to be set by hand",
        ),
        "grades.why.aum_short": (
            "管理资产新增 {aum} 万元 < {grade}标准 {standard} 万元",
            "AUM increment {aum} < the {grade} standard {standard} (万元)",
        ),
        "grades.why.profit_floor": (
            "模拟利润 {profit} 万元 < {grade}标准 {standard} 万元的 {share}({floor} 万元)",
            "simulated profit {profit} < {share} of the {grade} standard {standard} ({floor}, 万元)",
        ),
        "grades.why.leader_up": (
            "按业绩可至{reach},承担管理职责者逐级晋升(003 第二十一条)",
            "the figures reach {reach}; RMs who lead a unit move one grade at a time (003 art. 21)",
        ),
        "grades.why.leader_down": (
            "按业绩应至{reach},承担管理职责者逐级下降(003 第二十三条3)",
            "by the figures: {reach}; RMs who lead a unit move one grade at a time (003 art. 23.3)",
        ),
        "grades.why.below_lowest": ("最低职级以下", "below the lowest grade"),
        "grades.note.corporate": (
            "公司存款日均增量 {corporate} 万元按 {ratio}:1 折算为 {counted} 万元,计入管理资产新增(003 第二十三条1)",
            "corporate deposits' daily-average increment {corporate} counted at {ratio}:1 as {counted} "
            "toward the AUM increment (万元; 003 art. 23.1)",
        ),
        "grades.note.half_year": (
            "半年评定:上半年业绩对照年度标准的 {share};以年度评定为主、半年评定为辅(003 第十条)",
            "half-year evaluation: the first half against {share} of the annual standards; "
            "the annual evaluation prevails (003 art. 10)",
        ),
        "grades.note.promotion_conditions": (
            "晋级另须管理质量指标达到最低要求(第十九条),经用人单位推荐、零售银行部考核、人力资源部审核、分行审批,"
            "自批准次月生效(第二十、二十二条)",
            "a promotion also needs the management-quality minimum (art. 19), the unit's recommendation, "
            "the reviews and the branch's approval; it takes effect the month after approval (arts. 20, 22)",
        ),
        "grades.note.leader_unit": (
            "承担管理职责:003 规定其业绩按《零售业务经营机构考核办法》考核,此处按本人数字测算,仅供参考",
            "leads a unit: 003 judges such RMs by the unit's appraisal; these are the RM's own figures, for reference",
        ),
        "grades.note.part_period": (
            "{since} 起任客户经理,不满整个考核期,标准未折算",
            "an RM since {since}, less than the whole period; the standards are not prorated",
        ),
        "grades.note.probation_unknown": (
            "任职不满 {months} 个月且没有试用期截止日,请核实是否仍在试用期",
            "an RM for less than {months} months with no probation end on record: check whether still on probation",
        ),
        "grades.note.recovered": (
            "已回到{lowest}标准以上,已用的 {months} 个月宽限期可结束",
            "back above the {lowest} standard; the {months} grace month(s) used may end",
        ),
        "grades.note.probation_window": (
            "按本考核期({period})的数字对照承诺标准;与试用期区间不一致时请以业绩承诺书核对",
            "the figures of {period} are compared with the committed standard; "
            "check against the commitment letter when the probation window differs",
        ),
        "grades.note.balance_unknown": (
            "没有管理资产余额数字,只核对了模拟利润",
            "no AUM balance figure: only the simulated profit was checked",
        ),
        "grades.note.own_commitment": (
            "按本人业绩承诺书:模拟利润 {profit} 万元,管理资产余额 {aum} 万元",
            "by the RM's own commitment letter: simulated profit {profit}, AUM balance {aum} (万元)",
        ),
        "grades.decision": (
            "仅为建议,须经审批(003 第二十条);客户经理有权要求由人作出决定",
            "a proposal only, to be approved (003 art. 20); the RM has the right to a human decision",
        ),
        "consequences.period_kind": (
            "考核结果应用按年度或季度进行,{period} 不是年度或季度",
            "consequences are judged for a year or a quarter; {period} is neither",
        ),
        "consequences.evidence.score": ("{period} {score} 分", "{period}: {score}"),
        "consequences.evidence.violation": (
            "{date} 违规 {code} {description}",
            "{date} violation {code} {description}",
        ),
        "consequences.action.talent_pool": ("纳入管理储备人才库", "talent pool"),
        "consequences.action.training": ("强制培训", "mandatory training"),
        "consequences.action.warning": ("约谈、改进计划书", "warning and improvement plan"),
        "consequences.action.off_post": ("调离客户经理岗位", "off the RM post"),
        "consequences.action.dismissal": ("建议辞退", "dismissal proposed"),
        "consequences.rule.talent_pool": (
            "年度考核连续 {n} 年优秀(得分≥{threshold}):{evidence};建议优先纳入管理储备人才库,"
            "可竞聘支行副行长、部门主管等岗位(002 五(二))",
            "annual score ≥ {threshold} {n} years running: {evidence}; propose the management talent pool, "
            "eligible for deputy sub-branch head or department head posts (002 V(2))",
        ),
        "consequences.rule.training": (
            "考核待改进(得分 {low} 至 {high},不含 {high}):{evidence};"
            "建议强制参加风控合规、客户服务专项培训(002 五(二))",
            "score to improve ({low} up to, not including, {high}): {evidence}; propose mandatory training "
            "in risk and compliance and in customer service (002 V(2))",
        ),
        "consequences.rule.warning": (
            "连续 {n} 个季度考核不合格(得分<{threshold}):{evidence};建议支行行长约谈,制定改进计划书(002 五(三))",
            "below {threshold} {n} quarters running: {evidence}; propose a talk with the sub-branch head "
            "and an improvement plan (002 V(3))",
        ),
        "consequences.rule.off_post": (
            "年度考核不合格(得分<{threshold}):{evidence};建议调整至后台岗位(如综合柜员、风控助理),"
            "重新竞聘客户经理岗位需间隔 {years} 年(按本建议日起算最早 {eligible})(002 五(三))",
            "annual score below {threshold}: {evidence}; propose a back-office post (teller, risk assistant); "
            "eligible for an RM post again after {years} year(s) (from {eligible} at the earliest) (002 V(3))",
        ),
        "consequences.rule.dismissal_years": (
            "连续 {n} 年年度考核不合格(得分<{threshold}):{evidence};建议辞退(002 五(三))",
            "annual score below {threshold} {n} years running: {evidence}; dismissal proposed (002 V(3))",
        ),
        "consequences.rule.dismissal_breach": (
            "重大合规风险(一票否决的违规):{evidence};建议辞退(002 五(三))",
            "major compliance breach (a one-vote-veto violation): {evidence}; dismissal proposed (002 V(3))",
        ),
        "consequences.decision": (
            "以上均为建议,须由人作出决定;客户经理有权要求人工决定,并可申诉(002 四(三)3)",
            "these are proposals for a human decision; the RM has the right to one, and to appeal (002 IV(3)3)",
        ),
    }
)


# --- ledger ---
# The pay ledger and its service (rmperf.core.pay.ledger, rmperf.pay.service, rmperf.cli.pay).
MESSAGES.update(
    {
        "ledger.no_run": ("没有计算批次 {run}", "no run {run}"),
        "ledger.no_pay_section": (
            "批次 {run} 所用的考核方案 {scheme} 没有薪酬规则(pay 段)",
            "the scheme {scheme} of run {run} has no pay rules (no pay: section)",
        ),
        "ledger.bad_spike_row": (
            "{file} 第 {line} 行:年末冲高表需要 rm_id、increase、reversed(可选 pay)列,且为数字",
            "{file} line {line}: the spikes table needs rm_id, increase, reversed (and optionally pay) as numbers",
        ),
        "ledger.post_refused": ("批次 {run} 的薪酬未记账:{detail}", "run {run}'s pay was not posted: {detail}"),
        "ledger.tampered_changed": (
            "台账被绕过系统改动:{table} 第 {row} 条记录的内容与其校验值不符;不记账、不出具“与台账一致”的发放表,"
            "请联系系统管理员并用 rmperf verify 查看",
            "the ledger was changed behind the application's back: {table} row {row} no longer matches its digest; "
            "nothing is posted or reported as reconciled (see rmperf verify)",
        ),
        "ledger.tampered_linked": (
            "台账被绕过系统改动:{table} 第 {row} 条记录前有记录被删除或插入(校验链断开);"
            "不记账、不出具“与台账一致”的发放表",
            "the ledger was changed behind the application's back: a row before {table} row {row} was removed or "
            "put in (the chain is broken); nothing is posted or reported as reconciled",
        ),
        "ledger.tampered_head": (
            "台账被绕过系统改动:第 {row} 次记账之后的台账记录不在校验链上(记录被截去);"
            "不记账、不出具“与台账一致”的发放表",
            "the ledger was changed behind the application's back: entries of posting {row} are no longer in "
            "the chain (rows were cut off); nothing is posted or reported as reconciled",
        ),
        "ledger.run_tampered": (
            "批次 {run} 保存的计算结果与其结果校验值不符(被绕过系统改动):不按此记账",
            "run {run}'s stored results do not match its result hash (edited behind the application's back): "
            "it is not posted",
        ),
        "audit.tampered_changed": (
            "审计日志被绕过系统改动:第 {row} 条记录的内容与其校验值不符",
            "the audit log was changed behind the application's back: event {row} no longer matches its digest",
        ),
        "audit.tampered_linked": (
            "审计日志被绕过系统改动:第 {row} 条记录前有记录被删除或插入(校验链断开)",
            "the audit log was changed behind the application's back: an event before {row} was removed or put in",
        ),
        "store.tampered_missing": (
            "存储文件 {file} 不见了(导入后被删除):依赖它的计算不能进行",
            "stored file {file} is missing (deleted after its import): nothing that reads it can run",
        ),
        "store.tampered_size": (
            "存储文件 {file} 在导入后被改动(大小与目录记录不符):依赖它的计算不能进行",
            "stored file {file} was changed after its import (its size is not the catalog's): nothing that reads it "
            "can run",
        ),
        "store.tampered_content": (
            "存储文件 {file} 在导入后被改动(内容校验值与目录记录不符):依赖它的计算不能进行",
            "stored file {file} was changed after its import (its content hash is not the catalog's): nothing "
            "that reads it can run",
        ),
        "db.grant_postgresql_only": (
            "rmperf db-grant 只用于 PostgreSQL:SQLite 数据库是本机文件,由文件权限保护(0600)",
            "rmperf db-grant is for PostgreSQL only: a SQLite database is a local file, protected by its mode (0600)",
        ),
        "ledger.number_range": (
            "{what} 的值 “{value}” 超出范围:金额须小于 1 万亿元,小数不超过 8 位",
            "{what} “{value}” is out of range: an amount is below a trillion yuan, with 8 fraction digits at most",
        ),
        "ledger.instalments_range": (
            "分期数须在 1 到 {limit} 之间(收到 {value});间隔月数须在 1 到 12 之间",
            "instalments must be 1 to {limit} (got {value}); months between them 1 to 12",
        ),
        "ledger.no_such_rm": (
            "客户经理 {rm} 不在数据中(managers 表),也没有薪酬台账记录:未做任何改动",
            "RM {rm} is neither in the data (the managers table) nor in the pay ledger; nothing was changed",
        ),
        "ledger.self_approval_clawback": (
            "追索扣回须由录入人以外的另一人批准(第二批准人也须是第三人):录入人 {user} 不能批准自己录入的扣回",
            "a clawback must be approved by someone other than who enters it (and a second approver by a third "
            "person): {user} cannot approve their own",
        ),
        "ledger.self_approval_release": (
            "提前释放须由录入人以外的另一人批准:录入人 {user} 不能批准自己录入的释放",
            "an early release must be approved by someone other than who enters it: {user} cannot approve their own",
        ),
        "ledger.clawback_cap": (
            "追索扣回 {amount} 元超过客户经理 {rm} 近 {months} 个月已发放的绩效薪酬 {cap} 元;"
            "如确需超出,须由第二位批准人(--override-approved-by)另行批准",
            "the clawback of {amount} is more than the {cap} of performance pay RM {rm} earned in the last "
            "{months} months; beyond it, a second approver must agree (--override-approved-by)",
        ),
        "ledger.busy": (
            "数据库正忙(另一项记账或导入正在进行),本次未做任何改动:请稍后重试",
            "the database is busy (another posting or import is under way); nothing was changed: try again shortly",
        ),
        "ledger.does_not_reconcile": (
            "台账不平,未记账:{detail}",
            "the ledger would not reconcile; nothing was posted: {detail}",
        ),
        "ledger.adjust_no_reason": (
            "客户经理 {rm} 的维护绩效调整必须写明理由",
            "an adjustment of RM {rm}'s maintenance pay needs a reason",
        ),
        "ledger.adjust_amount_or_share": (
            "客户经理 {rm} 的调整请给出 --amount 或 --share 之一",
            "give one of --amount and --share for RM {rm}'s adjustment",
        ),
        "ledger.adjust_refused": ("调整未记录:{detail}", "adjustment refused: {detail}"),
        "ledger.adjust_withdraw_alone": (
            "--withdraw 撤回已有的调整,不能同时给出 --amount 或 --share(客户经理 {rm})",
            "--withdraw takes back the adjustment in force; it takes no --amount or --share (RM {rm})",
        ),
        "ledger.adjust_nothing_to_withdraw": (
            "批次 {run} 中客户经理 {rm} 没有有效的支行调整,无可撤回",
            "RM {rm} has no adjustment in force for run {run}: nothing to withdraw",
        ),
        "ledger.rm_not_in_run": ("批次 {run} 中没有客户经理 {rm}", "run {run} has no RM {rm}"),
        "ledger.not_fen": (
            "金额 {value} 应为正数且最多 2 位小数",
            "amount {value} must be positive with at most 2 decimals",
        ),
        "ledger.not_decimal": ("{what} 的值 “{value}” 不是数字", "{what}: “{value}” is not a number"),
        "ledger.not_date": (
            "日期 “{value}” 无法解析,应为 YYYY-MM-DD",
            "cannot parse date “{value}”: expected YYYY-MM-DD",
        ),
        "ledger.pool_not_used": (
            "批次 {run} 的方案 {scheme} 没有奖金池规则(pay.pool),--pool 无处使用;请去掉 --pool,或改用含奖金池的方案",
            "the scheme {scheme} of run {run} has no bonus pool (pay.pool): --pool would be ignored; drop it, "
            "or use a scheme with a pool",
        ),
        "ledger.pool_fixed": (
            "批次 {run} 的方案 {scheme} 的奖金池金额写在方案中(pay.pool.amount),不从 --pool 读取",
            "the pool of scheme {scheme} (run {run}) is a fixed amount in the scheme (pay.pool.amount), not --pool",
        ),
        "ledger.pool_unknown_org": (
            "--pool 给出的 {orgs} 不是本批次的奖金池(按{level}设奖金池,可用:{known})",
            "--pool names {orgs}, which is no pool of this run (pools by {level}: {known})",
        ),
        "ledger.bad_status_row": (
            "{file} 第 {line} 行:状态 “{value}” 应为 {allowed} 之一(并给出 rm_id)",
            "{file} line {line}: status “{value}” is not one of {allowed} (and rm_id is required)",
        ),
        "ledger.settlement_order": (
            "批次 {run}({period})按年累计结算,但本年已有更晚的 {later} 结算记账:累计结算不能倒序记账,"
            "请更正 {later} 的结算",
            "run {run} ({period}) settles the year to date, and a later settlement ({later}) is already posted: "
            "settlements cannot be posted out of order; correct {later} instead",
        ),
        "ledger.bad_pool": ("--pool 应写成 机构=金额,而不是 “{value}”", "--pool is ORG=AMOUNT, not “{value}”"),
        "ledger.bad_source": (
            "--from 只能是 pay、deferral 或 reserve,而不是 “{value}”",
            "--from is pay, deferral or reserve, not “{value}”",
        ),
        "ledger.clawback_amount": (
            "请给出客户经理 {rm} 的追索金额 --amount",
            "give the amount to claw back from RM {rm}",
        ),
        "ledger.clawback_refused": ("追索未记录:{detail}", "clawback refused: {detail}"),
        "ledger.clawback_no_reason": ("对客户经理 {rm} 的追索必须写明理由", "a clawback from RM {rm} needs a reason"),
        "ledger.clawback_no_approval": (
            "对客户经理 {rm} 的追索必须写明批准人(--approved-by)",
            "a clawback from RM {rm} needs who approved it (--approved-by)",
        ),
        "ledger.reserve_short": (
            "客户经理 {rm} 的风险保证金在已有追索之外只有 {free} 元,不足 {amount} 元",
            "RM {rm}'s reserve holds {free} beyond the clawbacks already on it, less than {amount}",
        ),
        "ledger.release_refused": ("未释放:{detail}", "release refused: {detail}"),
        "ledger.release_needs": (
            "提前释放客户经理 {rm} 的风险金须写明理由和批准人(--approved-by)",
            "an early release for RM {rm} needs a reason and who approved it (--approved-by)",
        ),
        "ledger.nothing_to_release": ("客户经理 {rm} 没有可释放的金额", "RM {rm} has nothing to release"),
        "ledger.not_posted": (
            "批次 {run} 的薪酬尚未记账;请先运行 rmperf pay --run {run}",
            "run {run}'s pay is not posted; run rmperf pay --run {run} first",
        ),
        "ledger.posted_from_other_run": (
            "{posting} 的台账已按批次 {other} 更正;请使用 --run {other}",
            "{posting} was posted again from run {other}; use --run {other}",
        ),
    }
)

# --- rating forms ---

MESSAGES.update(
    {
        # rankings and paired comparisons from the ratings table (ratings.ranking_from_rows / paired_from_rows)
        "ratings.rater_roles_group": (
            "评价人 {rater_id} 使用了多个角色:{roles}",
            "rater {rater_id} appears under several roles: {roles}",
        ),
        "ratings.rater_ranking": ("评价人 {rater_id}({role})的排序", "rater {rater_id} ({role})'s ranking"),
        "ratings.rank_value": (
            "{rm_id} 的名次 “{value}” 应为 1–{n} 的整数",
            "{rm_id}: position “{value}” must be a whole number from 1 to {n}",
        ),
        "ratings.rank_shared": (
            "{rms} 同列第 {position} 名(每个名次只能排一人)",
            "{rms} share position {position} (one RM per position)",
        ),
        "ratings.rank_missing": (
            "没有给 {rms} 排名(组内 {n} 人,每人都要排)",
            "{rms} not ranked (the group has {n} RMs and each must be ranked)",
        ),
        "ratings.rank_duplicate": ("{rm_id} 有不止一个名次", "{rm_id} has more than one position"),
        "ratings.pair_duplicate": (
            "{rm_id} 与 {other} 比较了不止一次",
            "{rm_id} was compared with {other} more than once",
        ),
        "ratings.rank_not_member": ("{rm_id} 不在本组", "{rm_id} is not in this group"),
        "ratings.rater_matrix": (
            "评价人 {rater_id}({role})的一一比较表",
            "rater {rater_id} ({role})'s comparison table",
        ),
        "ratings.pair_outside": (
            "{rm_id} 与 {other} 的比较:{name} 不在本组",
            "the comparison of {rm_id} with {other}: {name} is not in this group",
        ),
        "ratings.pair_row_value": (
            "{rm_id} 与 {other} 的比较得分 “{value}” 应为 1({rm_id} 较好)或 0({other} 较好)",
            "comparison of {rm_id} with {other}: score “{value}” must be 1 ({rm_id} better) or 0 ({other} better)",
        ),
        "ratings.pair_group_small": ("组内只有 {n} 人,无从两两比较", "the group has {n} RM(s): nobody to compare with"),
        # scheme files: the rating forms ranking / paired
        "scheme.rating_form_param": (
            "form: {form} 不使用 {param};可用的参数:{allowed}",
            "form: {form} does not use {param}; it takes {allowed}",
        ),
        "scheme.rating_criterion_blank": ("criterion 不能为空", "criterion cannot be blank"),
        "scheme.rating_rows_shared": (
            "指标 {item} 与 {other} 会读取同样的评分行({rows});请给其中一个另设 criterion",
            "items {item} and {other} would read the same ratings rows ({rows}); give one of them its own criterion",
        ),
        "scheme.rating_rows_criterion": ("criterion 为 {criterion} 的评分行", "rows with criterion {criterion}"),
        "scheme.rating_rows_paired": (
            "criterion 为对方客户经理编号的比较行",
            "rows whose criterion is the other RM's id",
        ),
        "scheme.rating_rows_paired_prefix": (
            "criterion 为 {criterion}:对方客户经理编号 的比较行",
            "rows whose criterion is {criterion}:<the other RM's id>",
        ),
        "scheme.note.paired_alone": (
            "指标 {item}:组内只有 1 人,无从两两比较",
            "item {item}: alone in the group, nobody to compare with",
        ),
        # --- variants ------------------------------------------------------------
        "scheme.variant_empty_dimension": (
            "变体 {variant} 使维度 {dimension} 没有任何指标:变体不能删除维度,"
            "请为该岗位或地区另立方案,或保留至少一个指标",
            "variant {variant} leaves dimension {dimension} without items: a variant cannot drop a dimension; "
            "write a scheme of its own for those RMs, or keep at least one item",
        ),
    }
)


# --- uploads and the command line ---
MESSAGES.update(
    {
        "upload.unreadable": ("无法读取文件 {file}:{detail}", "cannot read the file {file}: {detail}"),
        "upload.not_found": ("文件不存在:{file}", "no such file: {file}"),
        "value.source": (
            "--source 只能是 auto、scan 或 close,不是 “{value}”",
            "--source is auto, scan or close, not “{value}”",
        ),
        "value.group": (
            "--group 只能是 balances、flows、quality 或 all,不是 “{value}”",
            "--group is balances, flows, quality or all, not “{value}”",
        ),
        "value.basis": ("计息基础只能是 365 或 360,不是 {value}", "the day-count basis is 365 or 360, not {value}"),
        "value.indicators_format": (
            "指标只能写出为 .csv、.parquet 或 .xlsx,不是 “{value}”",
            "indicators are written as .csv, .parquet or .xlsx, not “{value}”",
        ),
        "close.no_balances": ("存储中没有余额", "the store holds no balances"),
        "close.restated": (
            "{day} 的日终数据已被更正或补录,累计数与存储不一致:请运行 rmperf close --rebuild",
            "{day} was closed from other data (restated or back-dated change); run rmperf close --rebuild",
        ),
        "close.whole_month": (
            "{day} 在 {month} 月内,日终累计数只按整月保存",
            "{day} is inside {month}, which the daily close keeps only as a whole month",
        ),
        "close.days_missing": (
            "有 {count} 天尚未日终,最早为 {first}:请运行 rmperf close",
            "{count} days not closed, first {first}: run rmperf close",
        ),
        "close.changed": (
            "{day} 日终后数据有变化:请运行 rmperf close --rebuild",
            "{day} changed since it was closed: run rmperf close --rebuild",
        ),
        "close.no_day": (
            "{day} 没有日终余额:请运行 rmperf close --date {day}",
            "no closed balances for {day}: run rmperf close --date {day}",
        ),
        "value.paysheet_format": (
            "--format 只能是 xlsx 或 csv,不是 “{value}”",
            "--format is xlsx or csv, not “{value}”",
        ),
        "value.proposals_format": (
            "建议表只能写出为 .csv 或 .xlsx,不是 “{value}”",
            "proposals are written as .csv or .xlsx, not “{value}”",
        ),
        "value.engine": ("引擎只能是 duckdb 或 spark,不是 “{value}”", "the engine is duckdb or spark, not “{value}”"),
        "permit.import": ("导入数据", "import data"),
        "permit.repair": ("修复中断的导入", "repair an interrupted import"),
        "permit.close": ("日终汇总", "close a day"),
        "permit.run": ("计算考核", "run a scheme"),
        "permit.pay.post": ("过账薪酬", "post pay"),
        "permit.pay.adjust": ("调整维护薪酬", "adjust maintenance pay"),
        "permit.pay.clawback": ("追索扣回", "order a clawback"),
        "permit.pay.release": ("提前释放风险金", "release a reserve early"),
        "permit.grades.post": ("确认职级调整", "post grade changes"),
        "permit.db.grant": ("授予数据库权限", "grant database rights"),
        "permit.people.create": ("新建用户", "make a user"),
        "permit.people.grant": ("授予角色", "grant a role"),
        "permit.people.revoke": ("撤销角色", "revoke a role"),
        "permit.people.deactivate": ("停用用户", "deactivate a user"),
        "permit.scheme.check": ("检查方案文件", "check a scheme file"),
        "permission.denied": ("{user} 无权执行此操作({action})", "{user} may not do this ({action})"),
        "run.not_found": ("没有计算批次 {run}", "no run {run}"),
        "run.no_rm": ("批次 {run} 中没有客户经理 {rm}", "run {run} has no RM {rm}"),
        "explain.mismatch": (
            "{name}:明细算得 {opened},与批次 {run} 存储的 {stored} 不一致;不显示明细,请联系系统管理员核查",
            "{name}: the explanation opens {opened}, not the {stored} run {run} stored; "
            "no breakdown is shown: ask the administrator to check",
        ),
        "explain.upload_gone": (
            "{name}:批次 {run} 使用的上传文件 {file} 已不在数据目录中,无法展开",
            "{name}: the file {file} run {run} read is no longer in the home; it cannot be opened",
        ),
        "explain.no_value": ("{name}:本期没有此值", "{name}: no value in this period"),
        "explain.share": (
            "{name}:是团队合计中的占比,不是账户之和,请展开其基数指标",
            "{name}: a share of the team's total, not a sum of accounts; open its base figure",
        ),
        "explain.no_breakdown": (
            "{name}:{indicator} 没有账户级明细",
            "{name}: {indicator} has no account-level breakdown",
        ),
        "explain.spike_window": (
            "{name}:时点冲高回落按薪酬规则的观察期展开:rmperf explain --indicator spike_reversal --window N",
            "{name}: the spike reversal opens over the pay policy's window: "
            "rmperf explain --indicator spike_reversal --window N",
        ),
        "explain.not_explainable": (
            "{indicator} 没有账户级明细;可展开:{explainable}",
            "{indicator} has no account-level explanation; explainable: {explainable}",
        ),
        "explain.needs_window": (
            "时点冲高回落需用 --window 指定观察天数",
            "spike_reversal needs --window (days after the period)",
        ),
        "explain.no_figure": (
            "{owner} 在 {period} 没有 {indicator}({category})的值,或其数据尚未入库",
            "{owner} has no {indicator} ({category}) in {period}, or its data is not stored yet",
        ),
        "upload.not_a_file": ("{file} 不是普通文件", "{file} is not a regular file"),
        "upload.empty": (
            "文件 {file} 没有数据行(只有表头或为空)",
            "the file {file} holds no rows (empty, or a header only)",
        ),
        "upload.bad_xlsx": (
            "{file} 不是可读取的 Excel 工作簿(.xlsx):{detail}",
            "{file} is not a readable Excel workbook (.xlsx): {detail}",
        ),
        "upload.encoding": (
            "{file} 不是 UTF-8 编码的文本(第 {byte} 字节附近);请另存为 UTF-8 CSV",
            "{file} is not UTF-8 text (near byte {byte}); save it as a UTF-8 CSV",
        ),
        "cli.internal_error": (
            "内部错误:{error}。这不是您的输入问题;详细信息已记录到 {log},请发给系统管理员。",
            "internal error: {error}. This is not a problem with your input; the details are in {log} "
            "for your administrator.",
        ),
        "cli.interrupted": ("已中断", "interrupted"),
        "word.grade.trainee": ("见习", "trainee"),
        "word.grade.junior": ("初级一档", "junior"),
        "word.grade.mid_2": ("中级二档", "intermediate 2"),
        "word.grade.mid_1": ("中级一档", "intermediate 1"),
        "word.grade.senior_3": ("高级三档", "senior 3"),
        "word.grade.senior_2": ("高级二档", "senior 2"),
        "word.grade.senior_1": ("高级一档", "senior 1"),
        "word.grade.principal": ("资深", "principal"),
        "word.level.bank": ("全行", "the bank"),
        "word.level.branch": ("分行", "branch"),
        "word.level.subbranch": ("支行", "sub-branch"),
        "word.level.head": ("总行", "head office"),
        "cli.note": ("说明:{text}", "note: {text}"),
    }
)


# --- engine notes ---
# The engine and the runs say what a reader must know as ``code:arg:arg`` strings (stored with a run,
# language-independent); ``note_text`` turns one into a sentence. Arguments fill {0}, {1} … in order;
# a ``a->b`` argument fills two.
NOTES: dict[str, tuple[str, str]] = {
    "missing_table": (
        "数据中没有表 {0}:依赖它的指标未计算(不按 0 计)",
        "the data has no {0} table: the indicators that need it are left out (never counted as 0)",
    ),
    "missing_input": (
        "缺少表 {0}:依赖它的指标未计算",
        "the {0} table is missing: the indicators that need it are left out",
    ),
    "missing_balances_day": (
        "{0} 没有余额数据:新增贵宾户与流失客户未计算",
        "no balances on {0}: new VIP and churned customers are left out",
    ),
    "baseline_day_fallback": (
        "没有 {0} 的余额,年初基数改用 {1} 的余额",
        "no balances on {0}: the year-start baseline uses {1} instead",
    ),
    "baseline_daily_average_fallback": (
        "没有上年全年余额:年初日均改用年初时点余额",
        "no balances for last year: the year-start daily average uses the year-start point balance",
    ),
    "npl_baseline_grade_fallback": (
        "{0} 及以前没有五级分类:年初不良以 {1} 的首次分类代替",
        "no loan grades on or before {0}: the first grades, of {1}, stand in for the year-start NPL book",
    ),
    "ungraded_loans_as_normal": (
        "{0} 笔贷款没有五级分类,按正常类计提贷款损失准备",
        "{0} loans have no grade and are provisioned as normal",
    ),
    "unassigned_expenses": (
        "{0} 条费用既无客户经理也无机构,未计入",
        "{0} expense rows name neither an RM nor an org unit and are not counted",
    ),
    "missing_fx_rate": (
        "表 {0} 中有 {1} 行外币在当日及以前没有汇率,未计入",
        "{1} foreign-currency rows of {0} have no exchange rate on or before their day and are left out",
    ),
    "new_loans_missing_fx_rate": (
        "{0} 笔外币新发放贷款没有汇率,未计入",
        "{0} new foreign-currency loans have no exchange rate and are left out",
    ),
    "missing_ftp_rate": (
        "{0} 个账户的产品没有 FTP 价格,其利差未计",
        "{0} accounts have no FTP rate for their product; their spread is not counted",
    ),
    "spike_window_incomplete": (
        "测算年末冲高需要到 {0} 的余额,数据中尚无:本次未测算冲高",
        "measuring year-end spikes needs balances up to {0}, which the data does not have yet: no spikes measured",
    ),
    "spike_window_off": (
        "本方案没有设定年末冲高观察期(ledger.spike_window_days),不测算冲高",
        "the scheme sets no year-end spike window (ledger.spike_window_days): no spikes measured",
    ),
    "spike_no_items": (
        "本方案没有取期末时点余额的指标,年末冲高不影响薪酬",
        "no item of the scheme reads a period-end balance: year-end spikes do not change pay",
    ),
    "no_previous_period": (
        "数据中没有上年同期 {0}:增长目标与进步率无从计算",
        "the data has no same period last year ({0}): growth targets and progress cannot be computed",
    ),
    "input_never_produced": (
        "引擎没有给出 {0}({1})的任何取值:请核对方案中的指标代码和类别",
        "the engine produced no value of {0} ({1}) for anyone: check the code and category in the scheme",
    ),
    "adjustment_carried": (
        "客户经理 {0} 的支行调整沿用批次 {1} 的记录(同一方案同一考核期);如不再适用,请用 rmperf adjust --withdraw 撤回",
        "RM {0}'s sub-branch adjustment carries over from run {1} (same scheme and period); withdraw it with "
        "rmperf adjust --withdraw if it no longer stands",
    ),
    "no_previous_cycle": (
        "数据中没有上一期 {0}:取上期数的指标(如满意度提升率)无从计算",
        "the data has no previous period ({0}): inputs of the period before (e.g. satisfaction gain) are missing",
    ),
    "window_year_to_date": (
        "本方案按年累计考核:指标取 {0} 至 {1} 的数据",
        "the scheme appraises the year to date: the indicators cover {0} to {1}",
    ),
    "targets_not_uploaded": (
        "没有上传目标值表:指标 {0} 的目标为可选,均按各自的缺失规则计分",
        "no targets table uploaded: items {0} have optional targets and score by their when_missing rule",
    ),
    "targets_missing": (
        "目标值表中没有 {1} 名客户经理的指标 {0} 目标,这些人按缺失规则计分",
        "the targets table has no {0} target for {1} RM(s); they score by the item's when_missing rule",
    ),
    "parts_do_not_reproduce_value": (
        "分子除以分母与指标值不一致,请报告此问题",
        "the numerator over the denominator does not give the value; please report this",
    ),
}


def note_text(note: str, lang: str | None = None) -> str:
    """An engine or run note (``code:arg:…``) as a sentence in ``lang``; an unknown code is shown as given."""
    code, _, rest = note.partition(":")
    pair = NOTES.get(code)
    if pair is None:
        return note
    template = pair[1] if (lang or _language) == "en" else pair[0]
    args: list[str] = []
    if rest:
        for part in rest.split(":", template.count("{") - 1 if "->" not in rest else 0):
            args.extend(part.split("->"))
    try:
        return template.format(*args)
    except IndexError:
        return note


MESSAGES.update(
    {
        "scheme.table_targets_required": (
            "方案 {scheme} 的指标 {items} 按上传的目标值计分,本次计算没有给出目标值表(--targets);"
            "不给目标会使所有人该项得分为 0",
            "scheme {scheme} scores items {items} against uploaded targets, and no targets table was given "
            "(--targets); without it everyone would score 0 on them",
        ),
        "scheme.table_targets_absent": (
            "目标值表 {file} 中没有指标 {items} 在 {label} 的任何目标值",
            "the targets table {file} gives no {label} target of items {items} to anybody",
        ),
        "scheme.cycle_kind": (
            "cycles 中的 {kind} 不是本方案的考核周期(可用:{allowed})",
            "{kind} under cycles is not a period kind of the scheme (use: {allowed})",
        ),
        "scheme.heading_scheme": ("考核方案有 {n} 处错误:", "{n} problem(s) in the scheme:"),
        "scheme.heading_ratings": (
            "定性评价数据有 {n} 处问题(方案本身无误):",
            "{n} problem(s) in the ratings (the scheme itself is fine):",
        ),
        "scheme.heading_uploads": (
            "目标值/手工取值上传表有 {n} 处问题:",
            "{n} problem(s) in the uploaded targets/values table:",
        ),
    }
)

# --- people, access and the web application (issue 14) -----------------------------------------------------
MESSAGES.update(
    {
        "access.not_found": ("没有找到,或您无权查看", "not found, or not yours to see"),
        "web.csrf": (
            "表单已过期或来源不明,未执行;请刷新页面后重试",
            "the form had expired or did not come from this site, so nothing was done; reload the page and try again",
        ),
        "people.no_user": ("没有用户 {user}", "no user {user}"),
        "people.bad_username": (
            "用户名 “{user}” 只能由字母、数字、下划线和点组成,最长 150 个字符",
            "the username “{user}” may have letters, digits, underscores and dots only, up to 150 characters",
        ),
        "people.user_exists": ("用户 {user} 已存在", "user {user} exists already"),
        "people.weak_password": ("{user} 的密码不符合要求:{why}", "the password of {user} is refused: {why}"),
        "people.bad_role": ("没有角色 “{role}”(可用:{roles})", "no role “{role}” (use one of: {roles})"),
        "people.rm_needs_id": (
            "客户经理角色需指定其客户经理编号(--rm)",
            "an RM grant names the RM the user is (--rm)",
        ),
        "people.no_rm": ("数据中没有客户经理 {rm}", "the store has no RM {rm}"),
        "people.rm_id_only_for_rm": (
            "只有客户经理角色可指定客户经理编号,{role} 不行",
            "only an RM grant names an RM, not a {role} grant",
        ),
        "people.no_org": ("数据中没有机构 {org}", "the store has no org unit {org}"),
        "people.reason_needed": ("请写明原因", "give a reason"),
        "people.no_grant": ("没有生效中的授权 {grant}", "no grant {grant} in force"),
        "role.office": ("考核办", "performance office"),
        "role.committee": ("支行考核小组成员", "committee member"),
        "role.committee_head": ("支行考核小组组长", "committee head"),
        "role.rechecker": ("总行复核", "head-office re-checker"),
        "role.president": ("行长", "president"),
        "role.auditor": ("审计", "auditor"),
        "role.rm": ("客户经理", "relationship manager"),
        "role.admin": ("系统管理员", "administrator"),
        "role.operator": ("本机操作员", "local operator"),
        # what a page shows for a code (a user never sees the code itself)
        "method.achievement": ("完成率计分", "achievement of target"),
        "method.linear": ("线性计分", "linear"),
        "method.bands": ("分段计分", "bands"),
        "method.value": ("按值计分", "value as score"),
        "method.rank": ("排名计分", "rank"),
        "method.composite_rank": ("综合排名计分", "composite rank"),
        "method.deduction": ("扣分", "deduction"),
        "method.veto": ("一票否决", "veto"),
        "method.plus_minus": ("加减分", "plus and minus"),
        "method.rating": ("定性评价", "rating"),
        "value_kind.engine": ("系统数据", "from the data"),
        "value_kind.manual": ("手工录入", "entered by hand"),
        "value_kind.custom": ("公式", "formula"),
        "category.all": ("全部", "all"),
        "category.deposit": ("存款", "deposits"),
        "category.loan": ("贷款", "loans"),
        "category.wealth": ("理财", "wealth"),
        "customer_kind.personal": ("个人", "personal"),
        "customer_kind.corporate": ("对公", "corporate"),
        "customer_kind.interbank": ("同业", "interbank"),
        "category.previous": ("{what}(上期)", "{what} (period before)"),
        "category.share_of": ("{what}(占{of}比重)", "{what} (share of the {of})"),
        "action.data.import.committed": ("导入数据", "data imported"),
        "action.data.import.unchanged": ("导入数据(无变化)", "data import, nothing new"),
        "action.data.import.rejected": ("导入被拒绝", "data import refused"),
        "action.data.import.failed": ("导入失败", "data import failed"),
        "action.data.repair": ("修复中断的导入", "interrupted import repaired"),
        "action.run.create": ("新建考核运行", "run made"),
        "action.pay.post": ("过账薪酬", "pay posted"),
        "action.pay.adjust": ("调整维护薪酬", "maintenance pay adjusted"),
        "action.pay.adjust_withdraw": ("撤回调整", "adjustment withdrawn"),
        "action.pay.clawback": ("追索扣回", "clawback"),
        "action.pay.release": ("提前释放风险金", "reserve released"),
        "action.people.create": ("新建用户", "user made"),
        "action.people.grant": ("授予角色", "role granted"),
        "action.people.revoke": ("撤销角色", "role revoked"),
        "action.people.deactivate": ("停用用户", "user deactivated"),
        "action.people.password": ("重设密码", "password set"),
        "action.security.csrf": ("安全事件:跨站请求被拒", "security: cross-site request refused"),
        "action.security.locked_out": ("安全事件:登录失败次数过多被锁定", "security: locked out after failed logins"),
        "action.security.upload_refused": (
            "安全事件:上传的数据包试图越出其目录",
            "security: an upload reached outside itself",
        ),
        "import_status.committed": ("已导入", "stored"),
        "import_status.unchanged": ("无变化", "nothing new"),
        "import_status.rejected": ("有错误,未导入", "refused: errors found"),
        "import_status.failed": ("失败,未导入", "failed; nothing stored"),
        "import_status.running": ("进行中", "running"),
        "job_state.queued": ("排队中", "queued"),
        "job_state.running": ("导入中", "importing"),
        "job_state.done": ("已完成", "finished"),
        "job_state.failed": ("失败", "failed"),
        "action.ledger.run_tampered": ("完整性:运行结果被改动", "integrity: a run's results were edited"),
        "share_of.team": ("团队", "team"),
        "share_of.subbranch": ("支行", "sub-branch"),
        "share_of.branch": ("分行", "branch"),
    }
)
