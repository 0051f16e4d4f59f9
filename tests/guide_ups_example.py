"""The guide's worked UPS example and the lines of the rule's numbers (§1.7.7 (5), §1.8, §1.9).

Reference data for the tests: expected values quoted from the guide with their lines. The
library takes these numbers as arguments (procedures/ac-*.yaml passes its cited constants).
"""
CITES = {
    "polling_s": 4875,
    "os_shutdown_instruction_s": 4877,
    "per_ups_cut_s": 4878,
    "case_a_server_ups_extra_s": 4941,
    "clusterpro_initial_shutdown_s": 4882,
    "pcp_power_off_delay_choices_s": 5108,
}
"""Guide line of each numeric constant."""

CITE_TEXT = {
    "polling_s": "8秒",
    "os_shutdown_instruction_s": "60秒",
    "per_ups_cut_s": "UPS台数×2秒",
    "case_a_server_ups_extra_s": "約 2 分",
    "clusterpro_initial_shutdown_s": "約2分",
    "pcp_power_off_delay_choices_s": "20 秒、180 秒、300 秒、600 秒",
}
"""The fragment of each ``CITES`` line that carries the number."""

RULE_LINES = {
    "control_confirm_rule": 4871,      # the inequality, written with '>'
    "control_confirm_rule_case_a": 4955,
    "control_confirm_rule_case_b": 5005,
    "disk_before_server": 4865,
    "use_longer_case": 4909,
    "ac_timeout_in_minutes": 3440,
    "pcbe_command_file_ge_timeout": 5628,
    "pcbe_command_file_job_time": 5622,
    "pcbe_os_time_exceeds_measured": 5507,
}
"""Guide lines of the rules (not numbers) that this module enforces."""

GUIDE_EXAMPLE = {
    "ups_count": 4,
    "disk_confirm_s": 30,
    "server_confirm_s": 60,
    "cluster_shutdown_timeout_s": 120,
    "power_off_delay_s": 300,
    "low_battery_runtime_s": 120,
}
"""Parameter values of the worked example of §1.7.7 (5) 【動作例】."""

GUIDE_EXAMPLE_LINES = {
    "ups_count": 4905,                   # four SNMP cards
    "disk_confirm_s": 4900,              # shared-disk UPS confirmation
    "server_confirm_s": 4894,            # cluster-server UPS confirmation
    "cluster_shutdown_timeout_s": 4895,
    "power_off_delay_s": 4896,           # same 300 s on L4890 and L4901
    "low_battery_runtime_s": 4897,       # same 120 s on L4891 and L4902
}
