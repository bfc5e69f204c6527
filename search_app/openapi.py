"""The OpenAPI 3 description of the JSON API, declared once."""

from __future__ import annotations

from indexer import __version__
from indexer.history import CAUSES, EVENTS
from indexer.settings import Config
from indexer.taxonomy import Taxonomy

from .query import (
    LANGS,
    MAX_AGENCY_CHARS,
    MAX_PAGE,
    MAX_SUGGEST_CHARS,
    MAX_VERSION,
    SORTS,
    STATUSES,
)

# What query.py refuses in text parameters, declared so that clients (and fuzzers) know.
NO_CONTROLS = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]*$"
NO_NUL = "^[^\\x00]*$"


def _param(name: str, desc: str, schema: dict, required: bool = False) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": desc,
        "schema": schema,
    }


def _path(name: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema or {"type": "string"}}


def openapi_document(tax: Taxonomy, config: Config) -> dict:
    """The description of the API as this configuration serves it (limits included)."""
    error = {
        "description": "Bad request or unknown id",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    search_params = [
        _param(
            "q",
            "Query in Chinese or English; empty lists everything; "
            "no control characters but tab and newlines",
            {"type": "string", "maxLength": config.max_query_chars, "pattern": NO_CONTROLS},
        ),
        _param(
            "region",
            "Community or scope; includes citywide and national policies",
            {"type": "string", "enum": list(tax.regions)},
        ),
        _param(
            "scenario", "Scene of community life", {"type": "string", "enum": list(tax.scenarios)}
        ),
        _param(
            "audience",
            "Whom the policy is for (audience tags extracted from its text)",
            {"type": "string", "enum": list(tax.audiences)},
        ),
        _param(
            "agency",
            "Exact issuing agency",
            {"type": "string", "maxLength": MAX_AGENCY_CHARS, "pattern": NO_NUL},
        ),
        _param("status", "Validity", {"type": "string", "enum": list(STATUSES)}),
        _param("lang", "Document language", {"type": "string", "enum": list(LANGS)}),
        _param("year", "Year of publication", {"type": "string", "pattern": "^[0-9]{4}$"}),
        _param(
            "page",
            "Page number",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
        ),
        _param(
            "per_page",
            "Results per page",
            {"type": "integer", "minimum": 1, "maximum": config.max_per_page, "default": 10},
        ),
        _param("sort", "Ordering", {"type": "string", "enum": list(SORTS), "default": "relevance"}),
        _param(
            "explain",
            "1 adds why each result ranked where it did",
            {"type": "string", "enum": ["0", "1", "true", "false"]},
        ),
    ]
    doc_props = {
        k: {"type": "string", "nullable": True}
        for k in (
            "id",
            "url",
            "title",
            "doc_number",
            "agency",
            "publish_date",
            "lang",
            "status",
            "text",
            "valid_until",
            "updated_on",
            "gone_on",
        )
    }
    doc_props.update(
        regions={"type": "array", "items": {"type": "string"}},
        scenarios={"type": "array", "items": {"type": "string"}},
        audience={"type": "array", "items": {"type": "string", "enum": list(tax.audiences)}},
        conditions={"type": "array", "items": {"type": "string"}},
        version={"type": "integer", "description": "How many versions the store keeps of it"},
    )

    def ok(schema: str) -> dict:
        return {
            "200": {
                "description": "OK",
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}
                },
            },
            "400": error,
            "404": error,
        }

    return {
        "openapi": "3.0.3",
        "info": {
            "title": "policy-index API",
            "version": __version__,
            "description": "Search the policies of Beijing's high-quality talent communities.",
        },
        "paths": {
            "/api/search": {
                "get": {
                    "summary": "Search policies",
                    "parameters": search_params,
                    "responses": ok("SearchResponse"),
                }
            },
            "/api/policies/{id}": {
                "get": {
                    "summary": "One policy document",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": ok("Document"),
                }
            },
            "/api/policies/{id}/versions": {
                "get": {
                    "summary": "Every version the store keeps of a policy, newest first: number, "
                    "when it was fetched, its content hash, the event (new, changed, gone, "
                    "returned) and the fields that changed",
                    "parameters": [_path("id")],
                    "responses": ok("VersionList"),
                }
            },
            "/api/policies/{id}/versions/{n}": {
                "get": {
                    "summary": "One version: what changed from the one before (fields from/to, "
                    "characters of text added and removed) and the whole document as it was",
                    "parameters": [
                        _path("id"),
                        _path("n", {"type": "integer", "minimum": 1, "maximum": MAX_VERSION}),
                    ],
                    "responses": ok("Version"),
                }
            },
            "/api/packages": {
                "get": {
                    "summary": "Every package with its policy count",
                    "responses": ok("PackageList"),
                }
            },
            "/api/packages/{region}/{scenario}": {
                "get": {
                    "summary": "One package with its policies",
                    "parameters": [
                        {
                            "name": "region",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "scenario",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": ok("Package"),
                }
            },
            "/api/for-me": {
                "get": {
                    "summary": "A package for one person: one step per need, the in-force "
                    "policies and service guides that apply (the community's own first, then "
                    "citywide and national), the conditions quoted with their citation; "
                    "policies whose audience excludes the person left out and counted",
                    "parameters": for_me_params(tax),
                    "responses": ok("ForMe"),
                }
            },
            "/api/suggest": {
                "get": {
                    "summary": "Suggestions while typing",
                    "parameters": [
                        _param(
                            "q",
                            "What has been typed so far",
                            {"type": "string", "maxLength": MAX_SUGGEST_CHARS, "pattern": NO_NUL},
                        )
                    ],
                    "responses": ok("Suggestions"),
                }
            },
            "/api/openapi.json": {
                "get": {"summary": "This document", "responses": {"200": {"description": "OK"}}}
            },
            "/healthz": {
                "get": {
                    "summary": "Liveness and readiness",
                    "responses": {
                        "200": {"description": "Ready"},
                        "503": {"description": "Index not built"},
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string"}},
                },
                "Document": {"type": "object", "properties": doc_props},
                "VersionList": {
                    "type": "object",
                    "required": ["id", "versions"],
                    "properties": {
                        "id": {"type": "string"},
                        "title": {"type": "string"},
                        "gone_on": {"type": "string", "nullable": True},
                        "count": {"type": "integer"},
                        "versions": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/VersionEntry"},
                        },
                    },
                },
                "VersionEntry": {
                    "type": "object",
                    "required": ["n", "event", "fetched_at", "content_hash", "changes"],
                    "properties": {
                        "n": {"type": "integer"},
                        "event": {"type": "string", "enum": list(EVENTS)},
                        "cause": {"type": "string", "enum": list(CAUSES)},
                        "fetched_at": {"type": "string", "format": "date-time"},
                        "changed_on": {"type": "string", "format": "date"},
                        "content_hash": {"type": "string"},
                        "changes": {"type": "array", "items": {"type": "string"}},
                        "title": {"type": "string"},
                        "status": {"type": "string"},
                    },
                },
                "Version": {
                    "allOf": [
                        {"$ref": "#/components/schemas/VersionEntry"},
                        {
                            "type": "object",
                            "properties": {
                                "id": {"type": "string"},
                                "previous": {"type": "integer", "nullable": True},
                                "fields": {"type": "object"},
                                "text_changes": {"type": "object"},
                                "document": {"$ref": "#/components/schemas/Document"},
                            },
                        },
                    ]
                },
                "SearchResponse": {
                    "type": "object",
                    "required": [
                        "query",
                        "total",
                        "page",
                        "per_page",
                        "results",
                        "packages",
                        "facets",
                        "suggestion",
                    ],
                    "properties": {
                        "query": {
                            "type": "object",
                            "description": "q, terms, filters, sort, matched; searchable is "
                            "false when q has no word to search for (only symbols or emoji): "
                            "total is then 0 and message says why",
                        },
                        "message": {"type": "string"},
                        "total": {"type": "integer"},
                        "page": {"type": "integer"},
                        "per_page": {"type": "integer"},
                        "results": {"type": "array", "items": {"type": "object"}},
                        "packages": {"type": "array", "items": {"type": "object"}},
                        "facets": {"type": "object"},
                        "suggestion": {"type": "string", "nullable": True},
                    },
                },
                "PackageList": {
                    "type": "object",
                    "properties": {"packages": {"type": "array", "items": {"type": "object"}}},
                },
                "Package": {
                    "type": "object",
                    "properties": {
                        "key": {"type": "string"},
                        "policies": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "ForMe": FOR_ME_SCHEMA,
                "Suggestions": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string"},
                        "suggestions": {"type": "array", "items": {"type": "object"}},
                    },
                },
            }
        },
    }


FOR_ME_SCHEMA = {
    "type": "object",
    "required": ["profile", "steps", "left_out"],
    "properties": {
        "profile": {"type": "object"},
        "steps": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["need", "title", "policies", "guides", "conditions"],
                "properties": {
                    "need": {"type": "string"},
                    "title": {"type": "string"},
                    "policies": {"type": "array", "items": {"type": "object"},
                                 "description": "id as in /api/policies/{id}; fit: applies or "
                                 "may_apply (no group named: may apply, never dropped)"},
                    "guides": {"type": "array", "items": {"type": "object"},
                               "description": "service guides with materials, where, hours, "
                               "time_limit, phone, fee"},
                    "conditions": {"type": "array", "items": {"type": "object"},
                                   "description": "text and citation (title, doc_number, "
                                   "agency, publish_date)"},
                    "left_out": {"type": "object", "description": "audience -> documents not "
                                 "shown because their audience excludes the person"},
                    "other_stages": {"type": "integer", "description": "school policies "
                                     "left out: only about stages other than the children's"},
                    "help": {"type": "object", "nullable": True,
                             "description": "nothing found: the service station and 12345"},
                },
            },
        },
        "left_out": {"type": "object", "description": "total and by_audience"},
    },
}  # fmt: skip


def _slug_list(slugs, empty: bool = False) -> str:
    """A pattern for a comma-separated list of the given slugs (optionally empty)."""
    one = "(?:" + "|".join(sorted(slugs, key=len, reverse=True)) + ")"
    return f"^(?:{one}(?:,{one})*)?$" if empty else f"^{one}(?:,{one})*$"


def for_me_params(tax: Taxonomy) -> list[dict]:
    """The parameters of /api/for-me; lists are comma-separated."""
    from .forme import MAX_CHILDREN, STAGES

    return [
        _param("region", "The talent community", {"type": "string", "enum": list(tax.communities)},
               required=True),
        _param("who", "Who the person is: audience slugs, comma-separated; allowed: "
               f"{', '.join(tax.audiences)}",
               {"type": "string", "pattern": _slug_list(tax.audiences, empty=True),
                "example": "foreign-talent,foreign-family"}),
        _param("needs", "What they need: need or scene slugs, comma-separated (required); "
               f"allowed: {', '.join(tax.needs)}",
               {"type": "string", "pattern": _slug_list(tax.needs), "example": "school,housing"},
               required=True),
        _param("children", "Number of children",
               {"type": "integer", "minimum": 0, "maximum": MAX_CHILDREN, "default": 0}),
        _param("stage", "The children's school stage", {"type": "string", "enum": list(STAGES)}),
        _param("spouse", "1 when a spouse comes too", {"type": "string", "enum": ["0", "1"]}),
        _param("lang", "Language of the step titles", {"type": "string", "enum": ["zh", "en"]}),
    ]  # fmt: skip
