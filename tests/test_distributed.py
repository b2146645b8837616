"""batch at national scale: Dask (a local cluster of 2 worker processes) and Spark (local[2])
compute 2,000 mixed cases in shards exactly as the single-machine batch does, line for line
(amounts, errors, ruleset hashes), a task that fails mid-run is retried without a duplicate or
a lost line, and a bad line costs only itself; Parquet in and out carries the JSON path's
numbers; a missing extra is one line naming the pip command, exit 2."""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal
from itertools import cycle
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benefitcalc.cli import app
from benefitcalc.distributed import shards, work
from benefitcalc.errors import BenefitcalcError, InvalidInputError
from benefitcalc.services import batch as runner

HERE = Path(__file__).resolve().parent.parent
SHARDS = 4
#: lines that cost only themselves: bad JSON, not an object, unknown benefit, region, key
BAD = ["{not json", "[]", json.dumps({"id": "bad-benefit", "benefit": "bogus"}),
       json.dumps({"id": "bad-region", "benefit": "unemployment", "region": "atlantis", "as_of": "2024-06-01",
                   "contribution_months": 80}),
       json.dumps({"id": "bad-key", "benefit": "retirement_age", "birth_date": "1971-07-15", "sex": "male",
                   "colour": "blue"})]


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def mixed_cases() -> list[dict]:
    """As benchmarks/batch.py: the hand-computed cases that give a result, and every example
    (the ``-gap`` ones fail with no_ruleset_in_force)."""
    out = []
    for path in sorted((HERE / "tests" / "cases").glob("*.json")):
        out += [c["input"] for c in json.loads(path.read_text(encoding="utf-8")) if "error" not in c["expected"]]
    out += [json.loads(p.read_text(encoding="utf-8")) for p in sorted((HERE / "examples").glob("*.json"))]
    return out


def lines(n: int = 2000) -> list[str]:
    """n non-blank lines: the mixed cases, each 40th a bad line."""
    good = cycle(mixed_cases())
    bad = cycle(BAD)
    return [next(bad) if i % 40 == 39 else json.dumps({**next(good), "id": f"c{i}"}, ensure_ascii=False)
            for i in range(n)]


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> dict:
    """JSON Lines shards (with blank lines and a non-UTF-8 line, so physical numbering
    counts) and Parquet shards, and what the single-machine batch makes of each shard."""
    root = tmp_path_factory.mktemp("distributed")
    jsonl, expected = root / "jsonl", []
    jsonl.mkdir()
    all_lines = lines()
    size = len(all_lines) // SHARDS
    for s in range(SHARDS):
        part = all_lines[s * size:(s + 1) * size]
        body = "\n".join(part[:7]) + "\n\n" + "\n".join(part[7:]) + "\n"
        path = jsonl / f"cases-{s:03}.jsonl"
        path.write_bytes(body.encode("utf-8") + b'{"id": "\xff"}\n')
        result = run("batch", str(path), "--jobs", "1")
        assert result.exit_code == 3, result.output
        expected.append(result.stdout)
    return {"root": root, "jsonl": jsonl, "expected": expected, "lines": all_lines}


@pytest.fixture(scope="module")
def parquet(data) -> dict:
    """The same cases as Parquet shards (bad rows: an unknown benefit, region and key), and
    the single-machine batch's Parquet output of each."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    cases = [json.loads(line) for line in data["lines"] if line.startswith('{"')]
    folder, expected = data["root"] / "parquet", []
    folder.mkdir()
    size = len(cases) // 2
    for s in range(2):
        path = folder / f"cases-{s:03}.parquet"
        pq.write_table(table(pa, cases[s * size:(s + 1) * size]), path, row_group_size=300)
        out = data["root"] / f"expected-{s}.parquet"
        result = run("batch", str(path), "--jobs", "1", "--format", "parquet", "-o", str(out))
        assert result.exit_code == 3, result.output
        expected.append(pq.read_table(out))
    return {"folder": folder, "expected": expected}


def table(pa, rows: list[dict]):
    """A table of every key of the rows; a column of mixed types as text."""
    keys = list(dict.fromkeys(k for r in rows for k in r))
    columns = {}
    for k in keys:
        values = [r.get(k) for r in rows]
        try:
            columns[k] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            columns[k] = pa.array([None if v is None else str(v) for v in values])
    return pa.table(columns)


def shard_texts(folder: Path, suffix: str = ".jsonl") -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob(f"*{suffix}"))]


def assert_same_lines(got: list[str], expected: list[str]) -> None:
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected, strict=True):
        assert mine.splitlines() == theirs.splitlines()


# -- Parquet on one machine -----------------------------------------------------------------------


def test_parquet_output_has_the_csv_columns_and_the_json_paths_numbers(data, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    source = sorted(data["jsonl"].glob("*.jsonl"))[0]
    out = tmp_path / "out.parquet"
    assert run("batch", str(source), "--jobs", "1", "--format", "parquet", "-o", str(out)).exit_code == 3
    got = pq.read_table(out)
    assert got.column_names == runner.csv_columns()
    assert str(got.schema.field("amounts.monthly_benefit").type) == "decimal128(18, 2)"
    answers = [json.loads(line) for line in data["expected"][0].splitlines()]
    assert got.num_rows == len(answers)
    for row, answer in zip(got.to_pylist(), answers, strict=True):
        if "error" in answer:
            assert (row["error.code"], row["error.message"]) == (answer["error"]["code"],
                                                                 answer["error"]["message"]["en"])
            assert row["line"] == answer["line"] and row["benefit"] is None
            continue
        assert (row["id"], row["region"], row["eligible"]) == (answer["id"], answer["region"], answer["eligible"])
        for name, value in answer["amounts"].items():
            cell = row[f"amounts.{name}"]
            assert (str(cell) if isinstance(cell, Decimal) else cell) == value  # "1800.00" stays "1800.00"


def test_parquet_input_by_extension_gives_the_json_inputs_answers(data, parquet):
    pq = pytest.importorskip("pyarrow.parquet")
    rows = pq.read_table(sorted(parquet["folder"].glob("*.parquet"))[0]).to_pylist()
    result = run("batch", str(sorted(parquet["folder"].glob("*.parquet"))[0]), "--jobs", "1")
    assert result.exit_code == 3
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == len(rows) and [a["line"] for a in answers if "line" in a]
    by_id = {json.loads(line).get("id"): json.loads(line) for text in data["expected"] for line in text.splitlines()}
    for answer in answers:
        if "error" not in answer:
            assert answer["amounts"] == by_id[answer["id"]]["amounts"]
            assert answer["resolved_sha256"] == by_id[answer["id"]]["resolved_sha256"]


def test_parquet_to_standard_output(data):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    source = sorted(data["jsonl"].glob("*.jsonl"))[0]
    result = CliRunner().invoke(app, ["batch", str(source), "--jobs", "1", "--format", "parquet"])
    assert result.exit_code == 3
    assert pq.read_table(pa.BufferReader(result.stdout_bytes)).num_rows == len(data["expected"][0].splitlines())


# -- a missing extra -----------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "module", "extra"), [
    (["--engine", "dask"], "dask.bag", "dask"), (["--engine", "spark"], "pyspark", "spark"),
    (["--jobs", "1", "--format", "parquet"], "pyarrow", "parquet")])
def test_a_missing_extra_is_one_line_naming_the_pip_command(data, tmp_path, monkeypatch, args, module, extra):
    monkeypatch.setitem(sys.modules, module, None)  # import fails as if it were not installed
    source = data["jsonl"] if "--engine" in args else sorted(data["jsonl"].glob("*.jsonl"))[0]
    result = run("batch", str(source), "-o", str(tmp_path / "out"), *args)
    assert result.exit_code == 2
    assert f"pip install 'benefitcalc[{extra}]'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_shards_of_one_name_an_output_over_its_input_and_an_empty_folder_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for folder in ("a", "b"):
        (tmp_path / folder / "part.jsonl").write_text("{}\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="would both be written"):
        shards.plan(str(tmp_path / "*" / "part.jsonl"), str(tmp_path / "out"), "jsonl")
    assert not (tmp_path / "out").exists()  # refused before anything is written
    with pytest.raises(InvalidInputError, match="overwritten by its own results"):
        shards.plan(str(tmp_path / "a"), str(tmp_path / "a"), "jsonl")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InvalidInputError, match="no case shard"):
        shards.find(str(tmp_path / "empty"))


# -- Dask -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster():
    pytest.importorskip("dask.bag")
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as local, distributed.Client(local) as client:
        yield client


def test_dask_batch_is_the_single_machine_batch_line_for_line(data, tmp_path):
    pytest.importorskip("dask.bag")
    pytest.importorskip("distributed")
    out = tmp_path / "out"
    result = run("batch", str(data["jsonl"]), "-o", str(out), "--engine", "dask", "--jobs", "2")
    assert result.exit_code == 3, result.output  # the bad lines
    assert_same_lines(shard_texts(out), data["expected"])
    assert (out / shards.DONE).exists() and not list(out.glob(".*"))
    assert "2004 lines" in result.stderr and "errors" in result.stderr  # 4 × (500 + a non-UTF-8 line)


def test_an_unreachable_scheduler_is_invalid_input_naming_it_and_leaves_no_output_folder(data, tmp_path):
    dask = pytest.importorskip("dask")
    pytest.importorskip("distributed")
    out = tmp_path / "out"
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = run("batch", str(data["jsonl"]), "-o", str(out), "--engine", "dask", "--scheduler",
                     "tcp://127.0.0.1:9")  # the discard port: nothing listens
    assert result.exit_code == 3, result.output
    assert "--scheduler tcp://127.0.0.1:9: cannot reach the Dask scheduler" in result.stderr
    assert json.loads(result.stdout)["error"]["details"]["field"] == "scheduler"
    assert not out.exists()


def test_dask_parquet_shards_in_and_out(parquet, tmp_path, cluster):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "out"
    result = run("batch", str(parquet["folder"] / "*.parquet"), "-o", str(out), "--engine", "dask", "--format",
                 "parquet", "--scheduler", cluster.scheduler.address)
    assert result.exit_code == 3, result.output
    got = [pq.read_table(p) for p in sorted(out.glob("*.parquet"))]
    assert len(got) == 2 and all(g.equals(e) for g, e in zip(got, parquet["expected"], strict=True))


def test_dask_bag_of_results_with_one_engine_per_worker(data, cluster):
    from benefitcalc.distributed import dask as on_dask

    answers = on_dask.results(str(data["jsonl"])).compute()
    expected = [(json.loads(line).get("line"), json.loads(line)) for text in data["expected"]
                for line in text.splitlines()]
    assert [a for _, a in answers] == [a for _, a in expected]
    built = cluster.run(lambda: work.BUILT["engines"])
    assert all(n <= 1 for n in built.values()) and sum(built.values()) >= 1  # once per worker, not per case

    bag = pytest.importorskip("dask.bag").from_sequence(data["lines"][:300], npartitions=3)
    plain = on_dask.results(bag).compute()
    assert [line for line, _ in plain] == [*range(1, 101)] * 3  # positions within each partition
    assert [a.get("id") for _, a in plain][:5] == [json.loads(x).get("id") for x in data["lines"][:5]]


@pytest.mark.parametrize("failure", ["raises", "dies"])
def test_dask_task_that_fails_mid_run_is_retried_without_duplicate_or_loss(data, tmp_path, cluster, failure):
    flag = tmp_path / "failed-once"

    def install(flag: str, failure: str) -> None:  # runs in each worker process
        import os

        from benefitcalc.distributed import work

        original = work.items
        work.STEP = 100  # so that a chunk is written before the failure

        def flaky(records):
            for n, pair in enumerate(original(records)):
                if n == 200:
                    try:
                        os.close(os.open(flag, os.O_CREAT | os.O_EXCL))
                    except FileExistsError:
                        pass
                    else:
                        if failure == "dies":
                            os._exit(1)
                        raise RuntimeError("an injected failure, once, mid-shard")
                yield pair

        work.__dict__.setdefault("unpatched", original)
        work.items = flaky

    cluster.run(install, str(flag), failure)
    try:
        out = tmp_path / "out"
        result = run("batch", str(data["jsonl"]), "-o", str(out), "--engine", "dask", "--scheduler",
                     cluster.scheduler.address)
    finally:
        cluster.run(lambda: setattr(work, "items", work.__dict__.get("unpatched", work.items)))
    assert flag.exists(), "the failure was not injected"
    assert result.exit_code == 3, result.output
    assert_same_lines(shard_texts(out), data["expected"])
    assert not list(out.glob(".*"))  # the failed attempt's partial shard is gone


# -- Spark ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2,4]").appName("benefitcalc tests")  # 2 cores, 4 attempts
               .config("spark.pyspark.python", sys.executable).config("spark.task.maxFailures", "4")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_batch_is_the_single_machine_batch_line_for_line(data, tmp_path, spark):
    out = tmp_path / "out"
    result = run("batch", str(data["jsonl"] / "*.jsonl"), "-o", str(out), "--engine", "spark")
    assert result.exit_code == 3, result.output
    assert_same_lines(shard_texts(out), data["expected"])
    assert (out / shards.DONE).exists()


def test_spark_parquet_shards_in_and_out(parquet, tmp_path, spark):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "out"
    result = run("batch", str(parquet["folder"]), "-o", str(out), "--engine", "spark", "--format", "parquet")
    assert result.exit_code == 3, result.output
    got = [pq.read_table(p) for p in sorted(out.glob("*.parquet"))]
    assert len(got) == 2 and all(g.equals(e) for g, e in zip(got, parquet["expected"], strict=True))


def compare_rows(rows, expected_texts: list[str]) -> None:
    answers = [json.loads(line) for text in expected_texts for line in text.splitlines()]
    assert len(rows) == len(answers)
    for row, answer in zip(rows, answers, strict=True):
        assert row["id"] == (None if answer.get("id") is None else str(answer["id"]))
        if "error" in answer:
            assert row["line"] == answer["line"]
            assert (row["error"]["code"], row["error"]["message"], row["error"]["message_zh"]) == (
                answer["error"]["code"], answer["error"]["message"]["en"], answer["error"]["message"]["zh"])
            assert row["benefit"] is None and row["amounts"] is None
            continue
        assert row["error"] is None
        assert (row["benefit"], row["region"], row["district"], row["as_of"], row["eligible"]) == (
            answer["benefit"], answer["region"], answer["district"], answer["as_of"], answer["eligible"])
        assert row["resolved_sha256"] == answer["resolved_sha256"]
        assert [r.asDict() for r in row["rulesets"]] == answer["rulesets"]
        assert row["warnings"] == [w["code"] for w in answer["warnings"]]
        assert json.loads(row["case"]) == answer["case"]
        amounts = row["amounts"].asDict()
        for name, value in answer["amounts"].items():
            assert (str(amounts[name]) if isinstance(amounts[name], Decimal) else amounts[name]) == value


def test_spark_dataframe_of_results_has_the_documented_schema_and_values(data, spark):
    from benefitcalc.distributed import spark as on_spark

    found = on_spark.results(on_spark.read_shards(spark, str(data["jsonl"])))
    assert found.schema == on_spark.schema()
    assert found.schema["amounts"].dataType["monthly_benefit"].dataType.simpleString() == "decimal(18,2)"
    compare_rows(found.collect(), data["expected"])
    # a DataFrame of JSON text (spark.read.text): the same answers (lines are positions in a partition)
    texts = on_spark.results(spark.read.text(str(sorted(data["jsonl"].glob("*.jsonl"))[0])))
    ok = [r for r in texts.collect() if r["error"] is None]
    assert [r["id"] for r in ok] == [json.loads(x)["id"] for x in data["expected"][0].splitlines()
                                     if "error" not in json.loads(x)]


def test_spark_task_failing_on_its_first_attempt_is_retried_without_duplicate_or_loss(data, tmp_path, spark):
    from benefitcalc.distributed import spark as on_spark

    flag = str(tmp_path / "failed-once")

    def flaky(items):  # the second shard's first attempt fails after 200 lines
        from pyspark import TaskContext

        context = TaskContext.get()
        for n, item in enumerate(items):
            if n == 200 and context.partitionId() == 1 and context.attemptNumber() == 0:
                open(flag, "w").close()
                raise RuntimeError("an injected failure on the first attempt")
            yield item

    found = on_spark.results(on_spark.read_shards(spark, str(data["jsonl"])).mapPartitions(flaky))
    rows = found.collect()
    assert os.path.exists(flag), "the failure was not injected"
    compare_rows(rows, data["expected"])


def test_workers_refuse_other_rules():
    pinned = work.Rulesets.pin()
    assert work.engine_for(pinned) is work.engine_for(pinned)  # built once, kept
    with pytest.raises(BenefitcalcError, match="differ from the driver"):
        work.engine_for(work.Rulesets(None, "0" * 64))


def test_a_failed_spark_job_is_one_error_of_its_kind():
    pytest.importorskip("pyspark")
    from benefitcalc.distributed.spark import job_error

    error = job_error(RuntimeError("...\nbenefitcalc.errors.InvalidInputError: cannot read x.jsonl: No such file\n"))
    assert (error.code, int(error.exit_status), error.message) == ("invalid_input", 3, "cannot read x.jsonl: No such file")
    assert job_error(RuntimeError("java.lang.OutOfMemoryError: heap")).code == "job_failed"
