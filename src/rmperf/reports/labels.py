"""The workbook's words, Chinese and English: sheet names, headers, labels, code lists.

Each entry is ``(zh, en)``; ``{name}`` placeholders are filled with ``str.format``.
The codes (posts, grades, region types, rank-group keys, adjustment kinds)
are those of ``rmperf.contract`` and the scheme format; an unknown code is
shown as it is.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "sheet.results": ("考核结果", "Results"),
    "sheet.ranking": ("排名", "Ranking"),
    "sheet.summary": ("汇总", "Summary"),
    "sheet.forms": ("考核表", "Forms"),
    "sheet.unit_forms": ("支行考评表", "Sub-branch sheets"),
    "sheet.about": ("说明", "About"),
    "col.no": ("序号", "No."),
    "col.rm_id": ("客户经理编号", "RM ID"),
    "col.name": ("姓名", "Name"),
    "col.rm": ("客户经理", "RM"),
    "col.org": ("机构", "Org unit"),
    "col.subbranch": ("支行", "Sub-branch"),
    "col.branch": ("分行", "Branch"),
    "col.post": ("岗位", "Post"),
    "col.grade": ("等级", "Grade"),
    "col.dim_score": ("维度得分", "Dimension score"),
    "col.value": ("指标值", "Value"),
    "col.target": ("目标值", "Target"),
    "col.score": ("得分", "Score"),
    "col.subtotal": ("小计", "Subtotal"),
    "col.adjust": ("调整", "Adjustment"),
    "col.total": ("总分", "Total"),
    "col.rank": ("排名", "Rank"),
    "col.rank_n": ("组内人数", "Group size"),
    "col.group": ("排名组", "Rank group"),
    "col.veto": ("一票否决", "Veto"),
    "col.veto_reason": ("否决原因", "Veto reason"),
    "col.count": ("人数", "RMs"),
    "col.mean": ("平均分", "Mean"),
    "col.max": ("最高分", "Max"),
    "col.min": ("最低分", "Min"),
    "col.vetoed": ("一票否决人数", "Vetoed"),
    "col.bands": ("分数段分布(人数)", "Score bands (RMs)"),
    "col.dimension": ("维度", "Dimension"),
    "col.item": ("指标", "Indicator"),
    "col.weight": ("权重", "Weight"),
    "col.formula": ("计算过程", "Arithmetic"),
    "col.sub_adjust": ("支行调整", "Sub-branch adjustment"),
    "col.sub_reason": ("调整理由", "Reason for adjustment"),
    "col.final": ("最终得分", "Final score"),
    "col.sub_adjust_pay": ("支行调整维护绩效(元)", "Sub-branch adjustment of maintenance pay (yuan)"),
    "col.final_pay": ("最终实际核发绩效(元)", "Final performance pay (yuan)"),
    "col.key": ("项目", "Item"),
    "col.content": ("内容", "Value"),
    "col.note": ("说明", "Note"),
    "yes": ("是", "Yes"),
    "title.results": ("考核结果", "Results"),
    "title.ranking": ("排名", "Ranking"),
    "title.summary": ("考核结果汇总", "Summary"),
    "title.form": ("客户经理绩效考评表", "RM appraisal form"),
    "title.about": ("说明", "About this workbook"),
    "group": ("排名组", "Rank group"),
    "group.all": ("全体", "everyone"),
    "persons": ("{n} 人", "{n} RMs"),
    "kv": ("{k}:{v}", "{k}: {v}"),
    "paren": ("{a}({b})", "{a} ({b})"),
    "band.top": ("{lo}(含)以上", "≥{lo}"),
    "band.mid": ("{lo}(含)–{hi}", "{lo}–<{hi}"),
    "band.low": ("{hi}以下", "<{hi}"),
    "sum.branch_office": ("(分行本部)", "(branch office)"),
    "sum.branch_total": ("分行合计", "Branch total"),
    "sum.no_branch": ("(总行及其他)", "(head office and other)"),
    "sum.bank_total": ("全行合计", "Bank total"),
    "form.scheme": ("考核方案", "Scheme"),
    "form.period": ("考核期", "Period"),
    "form.run": ("运行编号", "Run"),
    "form.dim_subtotal": ("{dim}小计", "{dim} subtotal"),
    "form.subtotal": ("维度得分合计", "Sum of the dimensions"),
    "form.adjustment": ("调整:{kind}", "Adjustment: {kind}"),
    "form.total": ("总分", "Total"),
    "form.rank": ("排名", "Rank"),
    "form.rank_text": ("共 {n} 人;排名组:{group}", "of {n}; rank group: {group}"),
    "form.veto": ("一票否决", "One-vote veto"),
    "form.skipped": ("(不计入)", "(left out)"),
    "form.after_adjust": ("支行调整后总分", "Total after the sub-branch's adjustment"),
    "form.final_pay": ("最终实际核发绩效(元,含支行调整)", "Final performance pay (yuan, with the adjustment)"),
    "form.carried": ("沿用批次 {run} 记录的调整", "carried over from run {run}"),
    "form.reason": ("调整理由", "Reason for the adjustment"),
    "form.notes": ("备注", "Notes"),
    "form.sign_rm": ("客户经理签字", "RM's signature"),
    "form.sign_head": ("支行负责人签字(盖章)", "Sub-branch head's signature (seal)"),
    "form.sign_reviewer": ("复核人签字", "Reviewer's signature"),
    "form.date": ("日期", "Date"),
    "form.date_blank": ("        年    月    日", "      /      /      "),
    "unit.total": ("合计", "Total"),
    "unit.remark": (
        "备注:本表由绩效考核部门核定考核得分后下发支行;支行负责人根据客户经理的团队协作精神、"
        "工作表现和贡献度填写“支行调整”并注明理由,签字(盖章)后于两个工作日内书面报回。",
        "Note: the performance office fills in the scores and sends this sheet to the sub-branch; the "
        "sub-branch head enters any adjustment for teamwork, conduct and contribution with its reason, "
        "signs (seals) it and returns it within two working days.",
    ),
    "about.rm_count": ("客户经理人数", "RMs"),
    "about.run_notes": ("运行备注", "Run notes"),
    "about.conventions": ("口径说明", "Conventions"),
    "about.rm_notes": ("客户经理备注", "Notes per RM"),
    "about.none": ("无", "none"),
}

META_LABELS: dict[str, tuple[str, str]] = {
    "run_id": ("运行编号", "Run id"),
    "scheme_id": ("方案编号", "Scheme id"),
    "scheme_name_zh": ("方案名称", "Scheme name (zh)"),
    "scheme_name_en": ("方案名称(英文)", "Scheme name"),
    "scheme_version": ("方案版本", "Scheme version"),
    "period": ("考核期", "Period"),
    "created_at": ("计算时间", "Computed at"),
    "input_hash": ("输入哈希", "Input hash"),
    "result_hash": ("结果哈希", "Result hash"),
    "code_version": ("代码版本", "Code version"),
    "engine": ("计算引擎", "Engine"),
    "user": ("操作人", "User"),
}

CONVENTIONS: tuple[tuple[str, str], ...] = (
    (
        "数值按运行结果的十进制值写入;Excel 以双精度存储数字(约 15 位有效数字),精确值以 JSON 导出为准。",
        "Figures are the run's decimals written as numbers; Excel stores doubles (about 15 significant "
        "digits), the JSON export keeps the exact text.",
    ),
    (
        "得分保留两位小数;比率按百分比显示;金额单位为元。",
        "Scores have two decimals; ratios are shown as percentages; money is in yuan.",
    ),
    (
        "“调整”为定性定量折算、经验调整、团队加权等总分调整的合计;一票否决时总分为 0,原因见“否决原因”。",
        "“Adjustment” is the net of the total's adjustments (split, experience, team); a veto sets the "
        "total to 0, with its reason.",
    ),
    (
        "汇总表的分数段含下限、不含上限;一票否决人员按总分 0 计入平均分和分数段;平均分四舍五入到两位小数。",
        "Score bands include their lower bound; vetoed RMs count with a total of 0 in the mean and the "
        "bands; means are rounded half-up to two decimals.",
    ),
    (
        "考核表与支行考评表的“支行调整”“调整理由”和签字栏由支行填写。",
        "The sub-branch fills in the adjustment, reason and signature fields of the forms.",
    ),
)

POSTS = {
    "corporate": ("公司客户经理", "Corporate RM"),
    "retail": ("零售客户经理", "Retail RM"),
    "inclusive": ("普惠金融客户经理", "Inclusive-finance RM"),
    "wealth": ("理财客户经理", "Wealth RM"),
}
GRADES = {
    "trainee": ("见习", "Trainee"),
    "junior": ("初级一档", "Junior"),
    "mid_2": ("中级二档", "Intermediate 2"),
    "mid_1": ("中级一档", "Intermediate 1"),
    "senior_3": ("高级三档", "Senior 3"),
    "senior_2": ("高级二档", "Senior 2"),
    "senior_1": ("高级一档", "Senior 1"),
    "principal": ("资深", "Principal"),
}
REGIONS = {
    "agri_county": ("农业县", "Agricultural county"),
    "industrial_county": ("工业县", "Industrial county"),
    "urban": ("城区", "Urban"),
}
GROUP_KEYS = {
    "post": ("岗位", "post"),
    "grade": ("等级", "grade"),
    "region_type": ("区域类型", "region"),
    "branch": ("分行", "branch"),
    "subbranch": ("支行", "sub-branch"),
    "org": ("机构", "org"),
    "team": ("团队", "team"),
}
ADJUSTMENTS = {
    "split": ("定性定量折算", "Qualitative/quantitative split"),
    "experience": ("经验调整", "Experience adjustment"),
    "team": ("团队加权", "Team blend"),
    "veto": ("一票否决", "One-vote veto"),
}
