"""The `wdguard` command line: thin wiring of typer groups to one module per command.

Exit codes for every command: 0 ok, 1 findings that fail, 2 could not decide.
"""

from __future__ import annotations

import sys

import typer

from wdguard.commands import (
    alert,
    cache,
    check,
    contracts,
    contracts_mongo,
    contracts_mongoose,
    demo,
    drift_lake,
    drift_mongo,
    drift_postgres,
    lake,
    metrics,
    migrations_lint,
    migrations_status,
    report,
)
from wdguard.version import __version__

CONTEXT = {"help_option_names": ["-h", "--help"]}
# Help is shown as written: Rich markup would eat bracketed words such as `[check]` (a
# wdguard.toml table) or `[default: 10]`, so no command's help is parsed as markup.
MARKUP = None


def _group(help: str) -> typer.Typer:
    return typer.Typer(help=help, no_args_is_help=True, rich_markup_mode=MARKUP)


app = typer.Typer(
    name="wdguard",
    help=(
        "Data-quality and schema-evolution guard for the WasteDump pipeline.\n\n"
        "Exit codes: 0 ok (gold may be built), 1 a failing finding, 2 could not decide."
    ),
    context_settings=CONTEXT,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=MARKUP,
)
contracts_app = _group("Derive, show and validate contracts.")
derive_app = _group("Derive contracts from a source.")
drift_app = _group("Compare contracts with the live sources.")
migrations_app = _group("Prisma migration history and lint.")
lake_app = _group("The sample lake, and what the gate reads of yours.")
report_app = _group("Reports built from the lake's run records.")
alert_app = _group("Alert targets (Slack, Teams, webhooks).")
cache_app = _group("Redis cache health, read-only.")
metrics_app = _group("Column metrics over time (the metrics table).")

app.add_typer(contracts_app, name="contracts")
contracts_app.add_typer(derive_app, name="derive")
app.add_typer(drift_app, name="drift")
app.add_typer(migrations_app, name="migrations")
app.add_typer(lake_app, name="lake")
app.add_typer(alert_app, name="alert")
app.add_typer(report_app, name="report")
app.add_typer(cache_app, name="cache")
app.add_typer(metrics_app, name="metrics")

app.command("demo")(demo.demo)
app.command("check")(check.check)
contracts_app.command("show")(contracts.show)
contracts_app.command("validate")(contracts.validate)
contracts_app.command("schema")(contracts.schema)
derive_app.command("prisma")(contracts.derive_prisma)
derive_app.command("mongo")(contracts_mongo.derive_mongo)
derive_app.command("mongoose")(contracts_mongoose.derive_mongoose)
drift_app.command("postgres")(drift_postgres.drift_postgres)
drift_app.command("mongo")(drift_mongo.drift_mongo)
drift_app.command("lake")(drift_lake.drift_lake)
migrations_app.command("status")(migrations_status.migrations_status)
migrations_app.command("lint")(migrations_lint.migrations_lint)
lake_app.command("generate")(lake.generate)
lake_app.command("inspect")(lake.inspect)
alert_app.command("test")(alert.alert_test)
report_app.command("nightly")(report.nightly)
cache_app.command("stats")(cache.cache_stats)
metrics_app.command("backfill")(metrics.backfill)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"wdguard {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """Data-quality and schema-evolution guard for the WasteDump pipeline."""


def main() -> None:
    """Run the app; a usage error (unknown `--format` value, missing option) is one line on
    stderr and exit 2 like every other bad input, not typer's boxed usage message."""
    from typer._click.exceptions import ClickException, NoArgsIsHelpError

    try:
        code = app(standalone_mode=False)
    except NoArgsIsHelpError as exc:  # the help is already on stdout
        sys.exit(exc.exit_code)
    except ClickException as exc:
        sys.stderr.write("wdguard: error: " + " ".join(exc.format_message().split()) + "\n")
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.stderr.write("wdguard: error: aborted\n")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
