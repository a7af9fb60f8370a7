"""rmperf — performance appraisal and incentive pay for bank relationship managers (客户经理绩效考核系统)."""

__version__ = "0.1.0"
