"""Rewards from a `rulers serve` reward server, with nothing but the standard library.

Three ways in:

* ``RulersClient`` -- the HTTP API (``reward``, ``score``, ``bundles``, ``health``);
* ``make_reward_fn`` / ``reward_fn`` -- a TRL-style reward function,
  ``reward_fn(prompts, completions, **kw) -> list[float]``;
* ``compute_score`` -- a verl-style ``compute_score(data_source, solution_str,
  ground_truth, extra_info=None) -> float``.

Configuration comes from arguments or the environment: ``RULERS_URL`` (default
``http://127.0.0.1:8808``), ``RULERS_BUNDLE`` (``id@version``), ``RULERS_TOKEN``.

Failures are never turned into rewards here: the server applies its documented
fail-closed policy (a floor, or an ``items_failed`` error), and any error reaches
the caller as ``RulersError`` with the server's stable ``code``.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

__all__ = ["RulersClient", "RulersError", "make_reward_fn", "reward_fn", "compute_score"]

#: Error codes worth retrying after the server's ``Retry-After``.
RETRYABLE = frozenset({"queue_full", "judge_unavailable", "shutting_down"})


class RulersError(Exception):
    """An error answer from the server (``code`` is stable), or no answer at all (``code`` "unreachable")."""

    def __init__(self, code: str, message: str, status: int = 0, body: Optional[dict] = None,
                 retry_after: Optional[float] = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.body = body or {}
        self.retry_after = retry_after


class RulersClient:
    """A client for one server; thread-safe (each call opens its own connection)."""

    def __init__(self, url: Optional[str] = None, bundle: Optional[str] = None, token: Optional[str] = None,
                 timeout: float = 300.0, retries: int = 3, max_wait: float = 60.0) -> None:
        self.url = (url or os.environ.get("RULERS_URL") or "http://127.0.0.1:8808").rstrip("/")
        self.bundle = bundle or os.environ.get("RULERS_BUNDLE")
        self.token = token if token is not None else os.environ.get("RULERS_TOKEN")
        self.timeout = timeout
        self.retries = retries
        self.max_wait = max_wait
        self._inputs: Dict[str, List[str]] = {}

    # -- transport --------------------------------------------------------------

    def _request(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        attempt = 0
        while True:
            req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as res:
                    return json.loads(res.read().decode("utf-8"))
            except urllib.error.HTTPError as e:
                err = _error_of(e)
            except (urllib.error.URLError, OSError) as e:
                reason = getattr(e, "reason", e)
                err = RulersError("unreachable", f"cannot reach {self.url} ({reason})", retry_after=1.0)
            if attempt >= self.retries or (err.code not in RETRYABLE and err.code != "unreachable"):
                raise err
            attempt += 1
            time.sleep(min(self.max_wait, err.retry_after if err.retry_after is not None else 2.0 ** attempt))

    # -- API --------------------------------------------------------------------

    def health(self) -> dict:
        return self._request("GET", "/healthz")

    def bundles(self) -> List[dict]:
        return self._request("GET", "/v1/bundles")["bundles"]

    def inputs(self, bundle: Optional[str] = None) -> List[str]:
        """The input names of a served bundle (asked once, then remembered)."""
        ref = self._bundle(bundle)
        if ref not in self._inputs:
            for b in self.bundles():
                self._inputs[b["bundle"]] = list(b["inputs"])
            if ref not in self._inputs:
                found = [b for b in self._inputs if b.split("@")[0] == ref]
                if len(found) != 1:
                    raise RulersError("bundle_not_served", f"`{ref}` is not served by {self.url}")
                self._inputs[ref] = self._inputs[found[0]]
        return self._inputs[ref]

    def reward(self, items: Sequence[Mapping[str, Any]], bundle: Optional[str] = None, *,
               bundle_hash: Optional[str] = None, score: Optional[str] = None, normalize: Optional[bool] = None,
               failed_reward: Optional[float] = None, details: bool = False,
               deadline_ms: Optional[int] = None) -> dict:
        """POST /v1/reward: the whole answer (``rewards``, ``bundle_hash``, ``failed``, ``details``)."""
        body: Dict[str, Any] = {"bundle": self._bundle(bundle), "items": [dict(i) for i in items]}
        for k, v in (("bundle_hash", bundle_hash), ("score", score), ("normalize", normalize),
                     ("failed_reward", failed_reward), ("deadline_ms", deadline_ms)):
            if v is not None:
                body[k] = v
        if details:
            body["details"] = True
        return self._request("POST", "/v1/reward", body)

    def rewards(self, items: Sequence[Mapping[str, Any]], bundle: Optional[str] = None, **kw: Any) -> List[float]:
        return [float(r) for r in self.reward(items, bundle, **kw)["rewards"]]

    def score(self, rows: Sequence[Mapping[str, Any]], bundle: Optional[str] = None,
              bundle_hash: Optional[str] = None) -> List[dict]:
        """POST /v1/score: one run record per row (the contract of ``run.jsonl``)."""
        body: Dict[str, Any] = {"bundle": self._bundle(bundle), "rows": [dict(r) for r in rows]}
        if bundle_hash is not None:
            body["bundle_hash"] = bundle_hash
        return self._request("POST", "/v1/score", body)["records"]

    def _bundle(self, bundle: Optional[str]) -> str:
        ref = bundle or self.bundle
        if not ref:
            raise ValueError("say which bundle: pass bundle='id@version' or set RULERS_BUNDLE")
        return ref


def _error_of(e: "urllib.error.HTTPError") -> RulersError:
    retry = e.headers.get("Retry-After") if e.headers else None
    try:
        body = json.loads(e.read().decode("utf-8"))
        err = body.get("error", {})
        code, message = str(err.get("code", "http_error")), str(err.get("message", e.reason))
    except (ValueError, AttributeError):
        body, code, message = {}, "http_error", f"HTTP {e.code} {e.reason}"
    try:
        retry_after = float(retry) if retry is not None else None
    except ValueError:
        retry_after = None
    return RulersError(code, message, e.code, body, retry_after)


def _text(value: Any) -> str:
    """A prompt or completion as text: plain strings as they are, chat messages as ``role: content`` lines."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return str(value.get("content", ""))
    if isinstance(value, Sequence):
        messages = [m for m in value if isinstance(m, Mapping)]
        if len(messages) == len(value):
            return "\n".join(f"{m.get('role', 'user')}: {m.get('content', '')}" for m in messages)
    return json.dumps(value)


def _completion_text(value: Any) -> str:
    """A TRL completion: a string, or a list of messages whose assistant turns are the answer."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        said = [m.get("content", "") for m in value if isinstance(m, Mapping) and m.get("role", "assistant") == "assistant"]
        if said:
            return "\n".join(str(s) for s in said)
    return _text(value)


def make_reward_fn(client: Optional[RulersClient] = None, *, bundle: Optional[str] = None,
                   prompt_input: str = "prompt", response_input: str = "response",
                   batch_size: int = 256, **reward_options: Any) -> Callable[..., List[float]]:
    """A TRL-style reward function over a served bundle.

    ``prompts`` fill the input ``prompt_input`` (if the bundle has it), ``completions`` fill
    ``response_input``, and any keyword argument whose name is an input of the bundle (a dataset
    column TRL passes through, such as ``reference``) fills that input, one value per sample.
    """
    c = client or RulersClient(bundle=bundle)
    ref = bundle or c.bundle

    def rulers_reward(prompts: Optional[Sequence[Any]] = None, completions: Optional[Sequence[Any]] = None,
                      **kw: Any) -> List[float]:
        if completions is None:
            raise ValueError("reward_fn needs `completions`")
        inputs = c.inputs(ref)
        if response_input not in inputs:
            raise ValueError(f"the bundle has no input `{response_input}`; its inputs: {', '.join(inputs)}")
        items: List[Dict[str, Any]] = []
        for i, completion in enumerate(completions):
            item: Dict[str, Any] = {"id": str(i), response_input: _completion_text(completion)}
            if prompts is not None and prompt_input in inputs:
                item[prompt_input] = _text(prompts[i])
            for name, column in kw.items():
                if name in inputs and name not in item and isinstance(column, Sequence) and not isinstance(column, str):
                    item[name] = _text(column[i]) if column[i] is not None else None
            items.append(item)
        out: List[float] = []
        for start in range(0, len(items), batch_size):
            out.extend(c.rewards(items[start:start + batch_size], ref, **reward_options))
        return out

    return rulers_reward


def reward_fn(prompts: Optional[Sequence[Any]] = None, completions: Optional[Sequence[Any]] = None,
              **kw: Any) -> List[float]:
    """TRL-style reward function configured from the environment (RULERS_URL, RULERS_BUNDLE, RULERS_TOKEN)."""
    return make_reward_fn()(prompts, completions, **kw)


def compute_score(data_source: Any, solution_str: str, ground_truth: Any = None,
                  extra_info: Optional[Mapping[str, Any]] = None, **kwargs: Any) -> float:
    """verl-style score of one solution.

    ``solution_str`` fills ``response_input`` (default ``response``); ``ground_truth`` fills
    ``label_input`` (default ``reference``) when the bundle has it; ``extra_info`` entries whose
    names are bundle inputs fill those (``prompt``, ``question``, ...). Keyword arguments (verl's
    ``reward_kwargs``) may set ``url``, ``bundle``, ``token``, ``response_input``, ``label_input``
    and the reward options (``normalize``, ``score``, ``failed_reward``).
    """
    client = RulersClient(url=kwargs.pop("url", None), bundle=kwargs.pop("bundle", None),
                          token=kwargs.pop("token", None))
    response_input = kwargs.pop("response_input", "response")
    label_input = kwargs.pop("label_input", "reference")
    inputs = client.inputs()
    item: Dict[str, Any] = {response_input: solution_str}
    if ground_truth is not None and label_input in inputs:
        item[label_input] = ground_truth if isinstance(ground_truth, str) else json.dumps(ground_truth)
    for name, value in (extra_info or {}).items():
        if name in inputs and name not in item:
            item[name] = _text(value)
    return client.rewards([item], **kwargs)[0]
