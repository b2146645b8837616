"""Terminals and files that are not what we hope: odd encodings, closed or full streams, empty
option values, usage errors for scripts. Each runs the installed command in a real process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parent.parent / "examples" / "unemployment-nanchang.json"
CASE = ["unemployment", "--region", "南昌", "--as-of", "2024-06-01", "--contribution-months", "80"]


def run(args: list[str], env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess[bytes]:
    full = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "benefitcalc", *args], env=full, capture_output=True,
                          timeout=60, **kwargs)


def no_traceback(p: subprocess.CompletedProcess[bytes]) -> None:
    assert b"Traceback" not in p.stderr and b"internal error" not in p.stderr, p.stderr.decode(errors="replace")


def test_an_ascii_only_output_still_gets_valid_json():
    p = run(CASE, env={"PYTHONIOENCODING": "ascii"})
    no_traceback(p)
    assert p.returncode == 0
    assert json.loads(p.stdout)["amounts"]["monthly_benefit"] == "1800.00"  # 2000 × 90 %, jx-ui-2024


def test_a_c_locale_reads_chinese_arguments():
    p = run(CASE, env={"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"})
    no_traceback(p)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["region"] == "nanchang"


def test_a_closed_pipe_is_not_a_bug():
    many = (EXAMPLE.read_text(encoding="utf-8").replace("\n", " ") + "\n") * 3000
    for command in ("calc -", "batch -"):
        p = subprocess.run(["bash", "-c", f"{sys.executable} -m benefitcalc {command} | head -c 10; "
                                          "s=${PIPESTATUS[0]}; echo; echo $s"],
                           input=many.encode(), capture_output=True, timeout=120)
        no_traceback(p)
        first, status = p.stdout.decode().splitlines()[-2:]
        assert len(first) == 10 and status == "141", (command, p.stdout, p.stderr)  # 141: the reader went away


def test_closed_stdin_and_stdout_and_a_full_disk_give_one_line():
    closed_in = run(["calc", "-"], stdin=subprocess.DEVNULL)
    no_traceback(closed_in)
    assert closed_in.returncode == 3  # an empty input: no case
    shut = subprocess.run(f"{sys.executable} -m benefitcalc calc {EXAMPLE} >&-", shell=True, capture_output=True,
                          timeout=60)
    no_traceback(shut)
    assert shut.returncode == 74 and b"standard output is closed" in shut.stderr
    if Path("/dev/full").exists():
        full = subprocess.run(f"{sys.executable} -m benefitcalc calc {EXAMPLE} > /dev/full", shell=True,
                              capture_output=True, timeout=60)
        no_traceback(full)
        assert full.returncode == 74 and b"cannot write the output" in full.stderr


@pytest.mark.parametrize("args", [
    [*CASE[:3], "--as-of", "", "--contribution-months", "80"],
    ["--rulesets-dir", "", "rulesets", "list"],
    ["rulesets", "show", "nanchang", "--as-of", " "],
    ["calc", ""],
], ids=["--as-of ''", "--rulesets-dir ''", "show --as-of ' '", "calc ''"])
def test_an_empty_option_value_is_a_usage_error(args):
    p = run(args)
    no_traceback(p)
    assert p.returncode == 2, p.stderr
    assert len(p.stderr.decode().strip().splitlines()) == 1  # one line when stderr is not a terminal
    error = json.loads(p.stdout)["error"]
    assert error["code"] == "usage" and "empty" in error["message"]["en"] and "空" in error["message"]["zh"]


@pytest.mark.parametrize("args, en, zh", [
    (["unemployment", "--regin", "x"], "no such option: --regin (did you mean", "没有这个选项"),
    (["unemployment", "--lang", "fr"], "'fr' is not one of", "不是以下之一"),
    (["unemployment", "--region", "nanchang"], "missing option --contribution-months", "缺少选项"),
    (["nosuch"], "No such command", "没有这个命令"),
    (["batch", "-o", "m.jsonl"], "missing argument IN", "缺少参数 IN"),  # the name the usage line shows
    (["batch", "x.jsonl", "--jobs", "0"], "--jobs: Input should be greater than or equal to 1", "--jobs：须不小于 1"),
    (["--indent", "2", "calc", "x.json"], "no such option: --indent before the command: a command's own options go "
     "after it (benefitcalc COMMAND … --indent)", "命令自己的选项放在命令之后"),
])
def test_usage_errors_are_one_line_and_a_json_object_for_scripts(args, en, zh):
    p = run(args)
    assert p.returncode == 2
    assert len(p.stderr.decode().strip().splitlines()) == 1 and en in p.stderr.decode()
    error = json.loads(p.stdout)["error"]
    assert en in error["message"]["en"] and zh in error["message"]["zh"]


def test_global_options_work_after_the_command(tmp_path):
    p = run(["rulesets", "list", "--rulesets-dir", str(tmp_path)])
    assert p.returncode == 4 and str(tmp_path) in p.stderr.decode()  # the empty folder was used, not the shipped
    assert run(["rulesets", "list", "--traceback", "--json"]).returncode == 0


def test_a_bom_and_another_encoding(tmp_path):
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.read_bytes())
    p = run(["calc", str(bom)])
    assert p.returncode == 0 and json.loads(p.stdout)["amounts"]["monthly_benefit"]
    utf16 = tmp_path / "utf16.json"
    utf16.write_bytes(EXAMPLE.read_text(encoding="utf-8").encode("utf-16"))
    p = run(["calc", str(utf16)])
    assert p.returncode == 3 and b"UTF-16, not UTF-8" in p.stderr and len(p.stdout.splitlines()) == 1
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes(EXAMPLE.read_text(encoding="utf-8").encode("gbk"))
    p = run(["calc", str(gbk)])
    no_traceback(p)
    assert p.returncode == 3 and b"UTF-8" in p.stderr


def test_errors_follow_the_language():
    p = run(["--lang", "zh", "unemployment", "--region", "nanchang", "--as-of", "2024-06-01",
             "--contribution-months", "-5"])
    assert p.returncode == 3
    line = p.stderr.decode()
    assert "contribution_months" in line and any("\u4e00" <= ch <= "\u9fff" for ch in line)
    p = run(["unemployment", "--region", "nanchang", "--as-of", "2024-06-01", "--contribution-months", "-5"],
            env={"LANG": "zh_CN.UTF-8", "LC_ALL": ""})
    assert any("\u4e00" <= ch <= "\u9fff" for ch in p.stderr.decode())


def test_calc_takes_several_files(tmp_path):
    other = Path(__file__).parent.parent / "examples" / "injury-nanchang.json"
    p = run(["calc", str(EXAMPLE), str(other)])
    assert p.returncode == 0
    assert [json.loads(line)["benefit"] for line in p.stdout.decode().splitlines()] == ["unemployment", "injury"]


def test_shell_completion_offers_regions_and_the_regions_districts():
    env = {"_BENEFITCALC_COMPLETE": "complete_bash", "COMP_CWORD": "3",
           "COMP_WORDS": "benefitcalc unemployment --region nan"}
    p = subprocess.run(["benefitcalc"], env={**os.environ, **env}, capture_output=True, timeout=60)
    assert p.stdout.decode().split() == ["nanchang", "nanjing"]
    env.update(COMP_CWORD="5", COMP_WORDS="benefitcalc unemployment --region nanchang --district 新")
    p = subprocess.run(["benefitcalc"], env={**os.environ, **env}, capture_output=True, timeout=60)
    assert p.stdout.decode().split() == ["新建区"]


def test_a_rulesets_dir_that_is_a_file_or_missing_says_which():
    readme = Path(__file__).parent.parent / "README.md"
    p = run(["--rulesets-dir", str(readme), "rulesets", "list"])
    assert p.returncode == 4 and b"is a file, not a rulesets directory" in p.stderr
    p = run(["--rulesets-dir", "/nonexistent/rulesets", "rulesets", "list"])
    assert p.returncode == 4 and b"no such rulesets directory" in p.stderr


def test_a_local_rulesets_folder_not_in_use_is_named_on_a_terminal(tmp_path):
    shutil.copytree(Path(__file__).parent.parent / "rulesets", tmp_path / "rulesets")
    if shutil.which("script") is None:
        pytest.skip("no script(1) for a terminal")
    p = subprocess.run(["script", "-qc", f"{sys.executable} -m benefitcalc unemployment --region nanchang "
                        "--as-of 2024-06-01 --contribution-months 80", "/dev/null"], cwd=tmp_path,
                       capture_output=True, timeout=60)
    assert b"not ./rulesets (give --rulesets-dir rulesets" in p.stdout
    p = subprocess.run(["script", "-qc", f"{sys.executable} -m benefitcalc rulesets check", "/dev/null"],
                       cwd=tmp_path, capture_output=True, timeout=60)
    assert b"checked: rulesets" in p.stdout and b"not ./rulesets" not in p.stdout


def test_calc_of_several_files_names_the_file_of_a_failed_line():
    gap = Path(__file__).parent.parent / "examples" / "price-subsidy-guangzhou-gap.json"
    p = run(["calc", str(EXAMPLE), str(gap)])
    assert p.returncode == 3
    answer = json.loads(p.stdout.decode().splitlines()[1])
    assert answer["line"] == 1 and answer["error"]["details"]["file"] == str(gap)


def test_ctrl_c_on_a_batch_with_workers_stops_them_and_leaves_no_partial_output(tmp_path):
    # a terminal's Ctrl-C goes to the whole process group: the parent and every worker
    import signal
    import time

    cases = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLE.parent.glob("*.json"))
             if not p.name.endswith("-gap.json")]
    source = tmp_path / "cases.jsonl"
    source.write_text("".join(json.dumps(cases[i % len(cases)], ensure_ascii=False) + "\n" for i in range(60_000)),
                      encoding="utf-8")
    out = tmp_path / "out" / "results.jsonl"
    out.parent.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "benefitcalc", "batch", str(source), "-o", str(out), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    time.sleep(2.5)  # the workers have started and are computing
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)  # it stops: a worker blocked on a result nobody reads is not waited for
    assert proc.returncode == 130, err.decode(errors="replace")
    assert err == b""  # no worker's traceback
    assert list(out.parent.iterdir()) == []  # neither OUT nor its temporary file


def test_an_empty_input_leaves_an_earlier_output_as_it_was(tmp_path):
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    out.write_text("kept\n", encoding="utf-8")
    p = run(["batch", str(tmp_path / "empty.jsonl"), "-o", str(out)])
    assert p.returncode == 3 and b"no case in" in p.stderr
    assert out.read_text(encoding="utf-8") == "kept\n" and len(list(tmp_path.iterdir())) == 2


def test_a_batch_summary_without_results_ends_cleanly(tmp_path):
    (tmp_path / "bad.jsonl").write_text("{not json\n[]\n", encoding="utf-8")
    p = run(["batch", str(tmp_path / "bad.jsonl")])
    assert p.returncode == 3
    summary = p.stderr.decode().strip().splitlines()[-1]
    assert summary.startswith("benefitcalc: 2 lines: 0 results (0 eligible), 2 errors, ") and summary.endswith("/s)")


def test_an_output_in_a_missing_folder_names_the_path(tmp_path):
    p = run(["batch", str(EXAMPLE), "-o", str(tmp_path / "no" / "out.jsonl")])
    no_traceback(p)
    assert p.returncode == 74
    assert f"cannot write the output {tmp_path / 'no' / 'out.jsonl'}: No such file or directory" in p.stderr.decode()
