from pathlib import Path

import pytest

from schemalens.config import ConfigError, load_settings


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_defaults_use_an_embedded_sqlite_file_in_the_project(tmp_path: Path) -> None:
    s = load_settings(start=tmp_path, environ={})
    assert s.database_url == f"sqlite:///{tmp_path / '.schemalens' / 'dev.db'}"
    assert s.dialect == "sqlite"
    assert s.schema == [tmp_path / "schema.sql"]
    assert s.migrations == tmp_path / "migrations"
    assert s.origin("database_url") == "default"


def test_precedence_flags_env_dotenv_file(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.schemalens]\ndatabase_url = "postgresql://file/db"\n'
          'schema = ["a.sql", "b"]\nlock_timeout = "3s"\n')
    write(tmp_path / ".env", 'export DATABASE_URL="postgres://dotenv/db"\n# comment\n')
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    s = load_settings(start=sub, environ={})
    assert s.project == tmp_path
    assert s.database_url == "postgres://dotenv/db" and s.origin("database_url") == ".env"
    assert s.dialect == "postgresql"
    assert s.schema == [tmp_path / "a.sql", tmp_path / "b"]
    assert s.lock_timeout == "3s"
    s = load_settings(start=sub, environ={"DATABASE_URL": "postgresql://env/db"})
    assert s.database_url == "postgresql://env/db" and s.origin("database_url") == "environment"
    s = load_settings({"database_url": "sqlite:///x.db", "dialect": None}, start=sub,
                      environ={"DATABASE_URL": "postgresql://env/db"})
    assert s.database_url == f"sqlite:///{tmp_path / 'x.db'}" and s.origin("database_url") == "command line"


def test_empty_values_count_as_unset(tmp_path: Path) -> None:
    write(tmp_path / "schemalens.toml", 'database_url = "postgresql://file/db"\n')
    s = load_settings({"database_url": ""}, start=tmp_path, environ={"DATABASE_URL": ""})
    assert s.database_url == "postgresql://file/db"
    assert s.origin("database_url") == "schemalens.toml"


@pytest.mark.parametrize("toml, message", [
    ('database_url = "mysql://x/y"\n', "cannot tell the dialect"),
    ('dialect = "oracle"\n', "is not one of"),
    ('databse_url = "x"\n', "unknown setting"),
    ("database_url = \n", "schemalens.toml"),
])
def test_bad_configuration_is_a_clear_error(tmp_path: Path, toml: str, message: str) -> None:
    write(tmp_path / "schemalens.toml", toml)
    with pytest.raises(ConfigError, match=message):
        load_settings(start=tmp_path, environ={})


ACCEPTED_TIMEOUTS = ["5000", "0", "5s", "5 s", " 5s ", "1.5s", "+5s", "250ms", "5min", "2h", "1 d", "1e3", 5000]
REJECTED_TIMEOUTS = ["5S", "5 sec", "-1", "soon", "5 m", "30d", "5s5", True]


@pytest.mark.parametrize("value", ACCEPTED_TIMEOUTS)
def test_lock_timeouts_postgresql_accepts_are_kept_as_written(tmp_path: Path, value: object) -> None:
    s = load_settings({"lock_timeout": value}, start=tmp_path, environ={})
    assert s.lock_timeout == str(value)


@pytest.mark.parametrize("value", REJECTED_TIMEOUTS)
def test_an_invalid_lock_timeout_names_the_setting_and_its_origin(tmp_path: Path, value: object) -> None:
    write(tmp_path / "schemalens.toml", f"lock_timeout = {value!r}\n".replace("True", "true").replace("'", '"'))
    with pytest.raises(ConfigError, match=r"lock_timeout .* \(from schemalens.toml\) is not a duration"):
        load_settings(start=tmp_path, environ={})


def test_models_timeout_is_seconds_from_any_layer(tmp_path: Path) -> None:
    assert load_settings(start=tmp_path, environ={}).models_timeout == 30.0
    write(tmp_path / "schemalens.toml", "models_timeout = 90\n")
    assert load_settings(start=tmp_path, environ={}).models_timeout == 90.0
    assert load_settings(start=tmp_path, environ={"SCHEMALENS_MODELS_TIMEOUT": "2.5"}).models_timeout == 2.5


@pytest.mark.parametrize("value", ["0", "-3", "soon", "inf", "true"])
def test_an_invalid_models_timeout_names_the_setting_and_its_origin(tmp_path: Path, value: str) -> None:
    write(tmp_path / "schemalens.toml", f"models_timeout = {value}\n" if value in ("0", "-3", "true")
          else f'models_timeout = "{value}"\n')
    with pytest.raises(ConfigError, match=r"models_timeout \(from schemalens.toml\) must be a number of seconds"):
        load_settings(start=tmp_path, environ={})
