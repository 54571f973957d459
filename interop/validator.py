"""The second request validator of `cargo xtask conformance`, for documents Prism cannot
serve: a loopback HTTP server that validates every request with openapi-core against the
document, answers with the response `cargo xtask conformance` synthesized for the
operation (`responses.json`), and validates that response with openapi-core too.

    validator.py DOCUMENT RESPONSES PORT

A request the document does not accept is answered 422 with
`{"validator": "openapi-core", "errors": [...]}`; a synthesized response the document
does not accept is answered 500 with `{"validator": "openapi-core", "response_errors":
[...]}`. Only 127.0.0.1 is ever bound.
"""

import json
import sys
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import yaml

from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.paths.finders import APICallPathFinder
from werkzeug.datastructures import Headers, ImmutableMultiDict


class Request:
    """A captured request, as openapi-core reads one."""

    def __init__(self, base, method, target, headers, body):
        split = urlsplit(target)
        self.host_url = base
        self.path = split.path
        self.full_url_pattern = base + split.path
        self.method = method.lower()
        self.body = body
        self.content_type = headers.get("Content-Type", "")
        cookies = SimpleCookie()
        cookies.load(headers.get("Cookie", ""))
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(split.query, keep_blank_values=True)),
            header=Headers(list(headers.items())),
            cookie=ImmutableMultiDict({k: v.value for k, v in cookies.items()}),
        )


class Response:
    """A synthesized response, as openapi-core reads one."""

    def __init__(self, status, content_type, data):
        self.status_code = status
        self.content_type = content_type
        self.headers = Headers({"Content-Type": content_type} if content_type else {})
        self.data = data


def bodies_of(answer):
    """The candidate bodies (bytes and media type) of a synthesized answer."""
    media_type = answer.get("media_type")
    if media_type is None:
        return [(b"", "")]
    bodies = []
    for value in answer.get("bodies") or [None]:
        if isinstance(value, str) and "json" not in media_type:
            bodies.append((value.encode(), media_type))
        else:
            bodies.append((json.dumps(value).encode(), media_type))
    return bodies


def serve(document, responses, port):
    base = f"http://127.0.0.1:{port}"
    # The document is judged as it is: the specification validator is off so that a
    # document with a flaw elsewhere can still judge the requests it describes.
    tree, deep = served_here(document, base)
    openapi = OpenAPI.from_dict(
        tree,
        base_uri=Path(document).resolve().as_uri(),
        config=Config(spec_validator_cls=None),
    )
    finder = APICallPathFinder(openapi.spec)
    with open(responses, encoding="utf-8") as file:
        answers = json.load(file)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def handle_one(self):
            try:
                self.judge()
            except Exception as error:  # openapi-core failed on this request
                self.answer(500, {"validator": "openapi-core", "validator_error": explain(error)})

        def judge(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Request(base, self.command, self.path, self.headers, body)
            try:
                found = finder.find(request.method, request.full_url_pattern)
            except Exception as error:  # no such path or method in the document
                return self.answer(404, {"validator": "openapi-core", "errors": [str(error)]})
            template = found.path.parts[-1]
            errors = [
                explain(e)
                for e in openapi.iter_request_errors(request)
                if not absent_and_unreadable(e, request)
            ]
            nested = unreadable(deep.get((self.command.upper(), template), {}), body)
            if errors and nested:
                reason = f"openapi-core cannot read nested deepObject fields: {', '.join(nested)}"
                return self.answer(500, {"validator": "openapi-core", "validator_error": reason})
            if errors:
                return self.answer(422, {"validator": "openapi-core", "errors": errors})
            answer = answers.get(f"{self.command.upper()} {template}")
            if answer is None:
                return self.answer(501, {"validator": "openapi-core", "errors": ["no response to synthesize"]})
            # The first candidate body the document accepts (examples may contradict it).
            problems = []
            for data, media_type in bodies_of(answer):
                response = Response(answer["status"], media_type, data)
                errors = [explain(e) for e in openapi.iter_response_errors(request, response)]
                if not errors:
                    return self.send(answer["status"], media_type, data)
                problems.extend(errors)
            self.answer(500, {"validator": "openapi-core", "response_errors": problems})

        def answer(self, status, value):
            self.send(status, "application/json", json.dumps(value).encode())

        def send(self, status, media_type, data):
            self.send_response(status)
            if media_type:
                self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    for method in ("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "QUERY"):
        setattr(Handler, f"do_{method}", Handler.handle_one)
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def absent_and_unreadable(error, request):
    """openapi-core reads some styles only for some types (deepObject only for objects:
    Stripe writes `anyOf`s and arrays that way) and then fails even on a parameter the
    request does not send; an absent optional parameter is not an error of the request."""
    name = getattr(error, "name", None)
    if name is None or getattr(error, "location", None) != "query":
        return False
    sent = any(k == name or k.startswith(name + "[") for k in request.parameters.query.keys())
    return not sent and "not available" in explain(error)


def served_here(document, base):
    """The document, its servers replaced by this one (the driver calls the paths here)."""
    with open(document, encoding="utf-8") as file:
        text = file.read()
    try:
        tree = json.loads(text)
    except ValueError:
        tree = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    tree["servers"] = [{"url": base}]
    deep = readable_encodings(tree)
    for item in (tree.get("paths") or {}).values():
        if isinstance(item, dict):
            item.pop("servers", None)
            for operation in item.values():
                if isinstance(operation, dict):
                    operation.pop("servers", None)
    return tree, deep


def readable_encodings(tree):
    """openapi-core reads `deepObject` only for objects and fails on any other property
    so encoded, even an absent one (Stripe encodes arrays and anyOfs so): such encodings
    are dropped, and a present value is then judged as a plain form field."""
    def resolve(schema):
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 64:
            ref = schema["$ref"]
            if not ref.startswith("#/"):
                return schema
            schema = tree
            for part in ref[2:].split("/"):
                schema = schema.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(schema, dict) else {}
            seen += 1
        return schema if isinstance(schema, dict) else {}

    deep = {}
    for template, item in (tree.get("paths") or {}).items():
        for method, operation in item.items() if isinstance(item, dict) else []:
            body = resolve(operation.get("requestBody")) if isinstance(operation, dict) else {}
            for media in (body.get("content") or {}).values():
                encoding = media.get("encoding") or {}
                properties = resolve(media.get("schema")).get("properties") or {}
                for name in list(encoding):
                    style = encoding[name].get("style") if isinstance(encoding[name], dict) else None
                    if style != "deepObject":
                        continue
                    dropped = resolve(properties.get(name)).get("type") != "object"
                    deep.setdefault((method.upper(), template), {})[name] = dropped
                    if dropped:
                        del encoding[name]
    return deep


def unreadable(deep, body):
    """The deepObject fields of a form body openapi-core cannot read: nested deeper than
    one level, or encoding an array (`items[0][price]=…`, the convention of the APIs
    that use deepObject)."""
    keys = [key for key, _ in parse_qsl(body.decode("utf-8", "replace"))]
    return sorted(
        {
            name
            for name, dropped in deep.items()
            for key in keys
            if key.startswith(name + "[") and (dropped or "][" in key)
        }
    )


def explain(error):
    """An error with its causes (schema errors hide the reason in `schema_errors`)."""
    causes = getattr(error, "schema_errors", None) or []
    text = f"{type(error).__name__}: {error}"
    if error.__cause__ is not None:
        text += f" ({explain(error.__cause__)})"
    for cause in causes:
        text += f"; {getattr(cause, 'message', cause)}"
    return text


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2], int(sys.argv[3]))
