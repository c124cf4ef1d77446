"""Pseudonymisation of person identifiers with a secret key (keyed hash, HMAC-SHA256).

Every output and MLflow artefact names people by a *key*: the first 64 bits of
HMAC-SHA256(secret, person_id) as 16 hex characters. The same id and secret always give the
same key, so lists can be compared across runs; without the secret a key cannot be linked back
to a person, and with it :func:`reidentify` maps keys back (``vrurisk reidentify``, recorded in
the audit log).

The secret comes from an environment variable (``VRURISK_PSEUDONYM_KEY`` by default) or a key
file named in the config (``privacy.key_file``). A built-in demo key exists for the synthetic
demo only: it is not secret, it is used only when asked for (``demo=True`` or inside
:func:`allow_demo_key`), and every key it makes starts with ``DEMO-`` so no one can mistake a
demo output for a protected one.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import hmac
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import Field

from vrurisk._errors import ConfigError, DataValidationError
from vrurisk._feature_policy import (
    ALWAYS_SENSITIVE,
    DEFAULT_PROXIES,
    FeaturePolicy,
    check_feature_policy,
    feature_policy_for_config,
)
from vrurisk._section import Section

__all__ = [
    "PrivacyConfig",
    "SensitiveFeature",
    "UNJUSTIFIED_ATTRIBUTE",
    "ALWAYS_SENSITIVE",
    "DEFAULT_PROXIES",
    "DEMO_PREFIX",
    "FeaturePolicy",
    "KEY_ENV_VAR",
    "PseudonymKey",
    "allow_demo_key",
    "check_feature_policy",
    "feature_policy_for_config",
    "generate_secret",
    "load_key",
    "write_key_file",
    "pseudonymise",
    "reidentify",
]

KEY_ENV_VAR = "VRURISK_PSEUDONYM_KEY"
#: Hex characters of HMAC-SHA256 kept in a key (64 bits: collisions among a million people
#: have a probability of about 3e-8, and are detected and refused anyway).
KEY_HEX_CHARS = 16
#: Secrets shorter than this are refused (a short secret can be brute-forced from the keys).
MIN_SECRET_BYTES = 16
DEMO_PREFIX = "DEMO-"
DEMO_SECRET = b"vrurisk-demo-key:NOT-SECRET:synthetic-data-only"
DEMO_LABEL = (
    "DEMO KEY: pseudonyms use vrurisk's published demo key and protect nobody; "
    "use only with synthetic data"
)

MISSING_KEY = (
    "no pseudonymisation key: set the environment variable {env_var} (at least {min} "
    "characters) or name a key file in the config's privacy.key_file (or in {env_var}_FILE; "
    "'vrurisk keygen' makes one)"
)
KEY_FILE_EXISTS = (
    "{path} already exists; refusing to overwrite a pseudonymisation key (the keys made with "
    "it could no longer be re-identified): choose another path"
)
KEY_FILE_SUFFIX = "_FILE"
SHORT_KEY = "the pseudonymisation key from {source} is too short ({n} bytes; at least {min} needed)"
UNREADABLE_KEY = "cannot read the pseudonymisation key file {path} ({reason})"
MISSING_IDS = "cannot pseudonymise {n} empty person id(s)"
COLLISION = (
    "two different person ids gave the same {bits}-bit key; this is astronomically unlikely "
    "with a random secret, so check the secret"
)
NO_MATCH = (
    "none of the {n} key(s) matches a person in {data} with this pseudonymisation key "
    "(key id {key_id}): wrong key or wrong data?"
)

_demo_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "vrurisk_demo_key_allowed", default=False
)


@dataclass(frozen=True)
class PseudonymKey:
    """A pseudonymisation secret and where it came from (the secret is never printed).

    Attributes
    ----------
    source : str
        ``"environment variable NAME"``, ``"key file PATH"`` or ``"DEMO KEY"``.
    is_demo : bool
        True for the built-in, non-secret demo key.
    key_id : str
        A short, non-reversible fingerprint of the secret, safe to record in logs and
        manifests so that a bundle's keys can be matched to the right secret later.
    """

    secret: bytes = field(repr=False)
    source: str
    is_demo: bool = False

    @property
    def key_id(self) -> str:
        tag = hmac.digest(self.secret, b"vrurisk key id", "sha256").hex()[:12]
        return f"{DEMO_PREFIX}{tag}" if self.is_demo else tag

    @property
    def label(self) -> str:
        """A one-line description for logs and CLI output (loud for the demo key)."""
        return DEMO_LABEL if self.is_demo else f"pseudonymisation key from {self.source}"


@contextlib.contextmanager
def allow_demo_key() -> Iterator[None]:
    """Within this block, :func:`load_key` falls back to the demo key when no key is set.

    For ``vrurisk demo`` only: the demo calls library code that loads keys from the config.

    Examples
    --------
    >>> from vrurisk.privacy import allow_demo_key, load_key
    >>> with allow_demo_key():
    ...     key = load_key(env_var="A_VARIABLE_THAT_IS_NOT_SET")
    >>> key.is_demo
    True
    """
    token = _demo_allowed.set(True)
    try:
        yield
    finally:
        _demo_allowed.reset(token)


def load_key(
    env_var=KEY_ENV_VAR,
    key_file: str | os.PathLike | None = None,
    demo: bool = False,
) -> PseudonymKey:
    """Load the pseudonymisation secret: key file, else environment variable, else refuse.

    Parameters
    ----------
    env_var : str or config section
        Name of the environment variable holding the secret. A config section with
        ``key_env`` and ``key_file`` attributes (``ExperimentConfig.privacy``) is accepted too.
    key_file : path, optional
        A file whose contents (surrounding whitespace stripped) are the secret. Takes
        precedence over the environment variable, which takes precedence over a key file
        named in ``<env_var>_FILE`` (e.g. ``VRURISK_PSEUDONYM_KEY_FILE``; see
        :func:`write_key_file`).
    demo : bool
        Fall back to the built-in demo key (loudly labelled, ``DEMO-`` keys) when neither is
        set. Also on inside :func:`allow_demo_key`.

    Raises
    ------
    ConfigError
        One line saying how to provide a key, when none is set, or when it is too short or
        unreadable.

    Examples
    --------
    >>> import os
    >>> from vrurisk.privacy import load_key
    >>> os.environ["MY_KEY"] = "correct horse battery staple"
    >>> load_key("MY_KEY").source
    'environment variable MY_KEY'
    """
    if hasattr(env_var, "key_env"):
        section = env_var
        env_var = section.key_env
        key_file = key_file if key_file is not None else getattr(section, "key_file", None)
    value = os.environ.get(env_var, "").strip()
    if key_file is None and not value and os.environ.get(env_var + KEY_FILE_SUFFIX, "").strip():
        key_file = os.environ[env_var + KEY_FILE_SUFFIX].strip()
    if key_file is not None:
        path = Path(key_file)
        try:
            secret = path.read_bytes().strip()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise ConfigError(UNREADABLE_KEY.format(path=path, reason=reason)) from exc
        return _checked(secret, f"key file {path}")
    if value:
        return _checked(value.encode("utf-8"), f"environment variable {env_var}")
    if demo or _demo_allowed.get():
        return PseudonymKey(DEMO_SECRET, "DEMO KEY", is_demo=True)
    raise ConfigError(MISSING_KEY.format(env_var=env_var, min=MIN_SECRET_BYTES))


def _checked(secret: bytes, source: str) -> PseudonymKey:
    if len(secret) < MIN_SECRET_BYTES:
        raise ConfigError(SHORT_KEY.format(source=source, n=len(secret), min=MIN_SECRET_BYTES))
    return PseudonymKey(secret, source)


def write_key_file(path: str | os.PathLike) -> PseudonymKey:
    """Write a new random secret to ``path``, readable and writable by its owner only (0600).

    An existing file is never overwritten: keys made with a lost secret cannot be
    re-identified. Parent directories are created (owner-only).

    Raises
    ------
    ConfigError
        If ``path`` exists or cannot be written.

    Examples
    --------
    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     key = write_key_file(os.path.join(tmp, "vrurisk.key"))
    ...     oct(os.stat(os.path.join(tmp, "vrurisk.key")).st_mode & 0o777)
    '0o600'
    """
    path = Path(path)
    secret = generate_secret()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise ConfigError(KEY_FILE_EXISTS.format(path=path)) from exc
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(f"cannot write the key file {path} ({reason})") from exc
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)  # whatever the umask
        handle.write(secret + "\n")
    return _checked(secret.encode("utf-8"), f"key file {path}")


def generate_secret() -> str:
    """A new random secret (256 bits, URL-safe text) for a key file or environment variable."""
    import secrets

    return secrets.token_urlsafe(32)


def pseudonymise(ids: Iterable, key: PseudonymKey) -> np.ndarray | pd.Series:
    """Keys (HMAC-SHA256 of each id with the secret, 16 hex characters) for person ids.

    Ids are compared as text with surrounding whitespace removed, exactly as the data contract
    stores them (``12``, ``"12"`` and ``" 12 "`` are the same person). Each distinct id is
    hashed once, so repeated ids (e.g. the events table) cost little; a million distinct ids
    take about a second.

    Parameters
    ----------
    ids : array-like or Series
        Person identifiers. Missing ids are refused.
    key : PseudonymKey
        From :func:`load_key`.

    Returns
    -------
    numpy.ndarray of str, or Series (same index) when ``ids`` is a Series

    Examples
    --------
    >>> from vrurisk.privacy import load_key, pseudonymise
    >>> key = load_key(demo=True, env_var="A_VARIABLE_THAT_IS_NOT_SET")
    >>> pseudonymise(["p1", "p2", "p1"], key).tolist()  # doctest: +ELLIPSIS
    ['DEMO-...', 'DEMO-...', 'DEMO-...']
    """
    series = ids if isinstance(ids, pd.Series) else None
    if series is not None:
        values = series.array
    else:
        values = np.asarray(ids if isinstance(ids, np.ndarray) else list(ids), dtype=object)
    # Normalise and hash each distinct raw value once, then map back.
    raw_codes, raw_uniques = pd.factorize(values, use_na_sentinel=True)
    text = pd.Series(np.asarray(raw_uniques, dtype=object)).astype("string").str.strip()
    blank = np.asarray((text.isna() | (text == "")).fillna(True), dtype=bool)
    n_missing = int((raw_codes < 0).sum()) + int(blank[raw_codes[raw_codes >= 0]].sum())
    if n_missing:
        raise DataValidationError(MISSING_IDS.format(n=n_missing))
    codes, uniques = pd.factorize(text)
    hashed = np.array(_hash_all(uniques.to_numpy(dtype=object), key), dtype=object)
    if len(set(hashed)) != len(hashed):
        raise DataValidationError(COLLISION.format(bits=KEY_HEX_CHARS * 4))
    keys = hashed[codes][raw_codes] if len(raw_codes) else np.array([], dtype=object)
    if series is not None:
        return pd.Series(keys, index=series.index, name="key", dtype=object)
    return keys


def _hash_all(values: np.ndarray, key: PseudonymKey) -> list[str]:
    """HMAC-SHA256 (RFC 2104) of each value, truncated; same result as ``hmac.digest``.

    The padded-key states are hashed once and copied per value, about three times faster than
    calling ``hmac.digest`` per value.
    """
    secret = key.secret
    if len(secret) > _BLOCK:
        secret = hashlib.sha256(secret).digest()
    secret = secret.ljust(_BLOCK, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in secret))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in secret))
    prefix, n = (DEMO_PREFIX if key.is_demo else ""), KEY_HEX_CHARS

    def one(value: str) -> str:
        i = inner.copy()
        i.update(value.encode("utf-8"))
        o = outer.copy()
        o.update(i.digest())
        return prefix + o.hexdigest()[:n]

    return [one(v) for v in values]


_BLOCK = 64  # SHA-256 block size in bytes


def reidentify(keys: Iterable, person_ids: Iterable, key: PseudonymKey) -> pd.DataFrame:
    """Map keys back to person ids by pseudonymising every known id with the same secret.

    Parameters
    ----------
    keys : array-like
        Keys from a vrurisk output (order kept, duplicates allowed).
    person_ids : array-like
        Every candidate person id (normally ``dataset.people["person_id"]``).
    key : PseudonymKey
        The secret the keys were made with.

    Returns
    -------
    pandas.DataFrame
        Columns ``key`` and ``person_id`` (missing where the key matches nobody).

    Examples
    --------
    >>> from vrurisk.privacy import load_key, pseudonymise, reidentify
    >>> key = load_key(demo=True, env_var="A_VARIABLE_THAT_IS_NOT_SET")
    >>> keys = pseudonymise(["p2"], key)
    >>> reidentify(keys, ["p1", "p2", "p3"], key)["person_id"].tolist()
    ['p2']
    """
    ids = pd.Series(np.asarray(person_ids, dtype=object)).astype("string").str.strip()
    lookup = pd.Series(ids.to_numpy(), index=pd.Index(pseudonymise(ids, key)))
    lookup = lookup[~lookup.index.duplicated()]
    wanted = pd.Series(np.asarray(list(keys), dtype=object)).astype("string").str.strip()
    found = lookup.reindex(pd.Index(wanted)).to_numpy()
    return pd.DataFrame({"key": wanted.to_numpy(), "person_id": found}).astype("string")


UNJUSTIFIED_ATTRIBUTE = (
    "features.allowed_static_attributes lists the sensitive attribute {name!r} without a "
    "justification; add privacy.sensitive_features: [{{name: {name}, justification: ...}}]"
)


class SensitiveFeature(Section):
    """A sensitive attribute used as a feature, with the written reason why (config
    ``privacy.sensitive_features``)."""

    name: str
    justification: str = Field(min_length=20)


class PrivacyConfig(Section):
    """Pseudonymisation key and the written justification for any sensitive feature."""

    key_env: str = KEY_ENV_VAR
    key_file: Path | None = None
    sensitive_features: tuple[SensitiveFeature, ...] = ()
    #: Possible proxies of protected characteristics (attribute -> reason); features using them
    #: are allowed but warned about. ``None``: vrurisk's defaults (area, postcode, ...).
    proxies: dict[str, str] | None = None
