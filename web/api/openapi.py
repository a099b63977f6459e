"""The OpenAPI 3.1 description of /api/v1; tests validate it and check real responses against it."""
from __future__ import annotations

from typing import Any

NULLABLE_STR = {"type": ["string", "null"]}
# Text is stored in PostgreSQL, which refuses NUL characters; the API answers them with 422/400.
NO_NUL = "^[^\\x00]*$"
SOME_TEXT = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
TEN_CHARACTERS = "^\\s*[^\\s\\x00][^\\x00]{8,}[^\\s\\x00]\\s*$"
PROBLEM_JSON = "application/problem+json"
BAND = {"type": "string", "enum": ["strong", "good", "weak"],
        "description": "how relevant the match is, calibrated on judged dev sets (the thresholds are versioned "
                       "with the ranking weights); read this, not score"}
RAW_SCORE = {"type": "number", "description": "the raw fused ranking score (secondary; comparable only within "
                                              "one response)"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _ok(description: str, ref: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _param(name: str, where: str, schema: dict[str, Any], description: str, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required or where == "path", "schema": schema,
            "description": description}


def _page(maximum: int) -> dict[str, Any]:
    return _param("page", "query", {"type": "integer", "minimum": 1, "maximum": maximum, "default": 1},
                  "1-based page number")


SEARCH_PAGE, PROBLEMS_PAGE = _page(1000), _page(10_000)
LIMIT = _param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 50}, "results per page")
PROBLEM_ID = _param("problem_id", "path", {"type": "string", "pattern": NO_NUL}, "a problem id such as problem:3f2a...")

SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object", "description": "RFC 9457 problem details",
        "required": ["type", "title", "status", "detail", "instance"],
        "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                       "status": {"type": "integer", "minimum": 400, "maximum": 599},
                       "detail": {"type": "string"}, "instance": {"type": "string"}},
    },
    "Evidence": {
        "type": "object", "additionalProperties": False, "required": ["text", "source"],
        "properties": {"text": {"type": "string"},
                       "source": {"type": "string", "description": "English line: kind: title (year)"},
                       "document_id": NULLABLE_STR,
                       "document_kind": {"type": ["string", "null"],
                                         "description": "publication, award, project, equipment, ...; "
                                                        "null on matches stored before it was kept"},
                       "document_title": NULLABLE_STR, "year": {"type": ["integer", "null"]}},
    },
    "SearchResult": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "kind", "name", "band", "score", "capabilities", "evidence"],
        "properties": {
            "id": {"type": "string"},
            "kind": {"type": "string", "enum": ["researcher", "lab", "equipment", "project", "organization"]},
            "name": {"type": "string"}, "band": BAND, "score": RAW_SCORE,
            "capabilities": {"type": "array", "items": {"type": "string"}},
            "evidence": {"type": "array", "items": {"$ref": "#/components/schemas/Evidence"}},
        },
    },
    "SearchResponse": {
        "type": "object", "additionalProperties": False, "required": ["results", "total"],
        "properties": {"results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchResult"}},
                       "total": {"type": "integer", "minimum": 0},
                       "team": {"oneOf": [{"$ref": "#/components/schemas/Team"}, {"type": "null"}],
                                "description": "only with team=1; null when the problem names fewer than two "
                                               "capabilities or one hit already covers as many as a team would"}},
    },
    "Capability": {
        "type": "object", "additionalProperties": False, "required": ["id", "label"],
        "properties": {"id": {"type": "string"}, "label": {"type": "string"}},
    },
    "Team": {
        "type": "object", "additionalProperties": False,
        "description": "A research partner, a piece of equipment and an institute project that together cover "
                       "more of the problem's capabilities than any single hit (greedy cover, relevance breaks ties)",
        "required": ["capabilities", "covered", "uncovered", "best_single", "members"],
        "properties": {
            "capabilities": {"type": "array", "items": {"$ref": "#/components/schemas/Capability"}},
            "covered": {"type": "array", "items": {"type": "string"}, "description": "capability ids"},
            "uncovered": {"type": "array", "items": {"type": "string"}, "description": "capability ids"},
            "best_single": {"type": "integer", "minimum": 0,
                            "description": "most of the problem's capabilities one hit covers"},
            "members": {"type": "array", "items": {
                "type": "object", "additionalProperties": False,
                "required": ["role", "id", "kind", "name", "reason", "adds", "shares"],
                "properties": {
                    "role": {"type": "string", "enum": ["partner", "equipment", "project"]},
                    "id": {"type": "string"}, "kind": {"type": "string"}, "name": {"type": "string"},
                    "reason": {"type": "string", "enum": ["covers", "relevant"],
                               "description": "covers: brings the capabilities in adds; relevant: adds none, "
                                              "the most relevant of its role that shares some (in shares)"},
                    "adds": {"type": "array", "items": {"$ref": "#/components/schemas/Capability"}},
                    "shares": {"type": "array", "items": {"$ref": "#/components/schemas/Capability"}},
                }}},
        },
    },
    "Entity": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "kind", "name", "organization", "region", "capabilities", "documents"],
        "properties": {
            "id": {"type": "string"}, "kind": {"type": "string"}, "name": {"type": "string"},
            "organization": NULLABLE_STR, "region": NULLABLE_STR,
            "capabilities": {"type": "array", "items": {
                "type": "object", "additionalProperties": False, "required": ["id", "label", "evidence"],
                "properties": {"id": NULLABLE_STR, "label": {"type": "string"},
                               "evidence": {"type": "array", "items": {"type": "string"}}}}},
            "documents": {"type": "array", "items": {
                "type": "object", "additionalProperties": False, "required": ["id", "kind", "title", "year"],
                "properties": {"id": NULLABLE_STR, "kind": NULLABLE_STR, "title": {"type": "string"},
                               "year": {"type": ["integer", "null"]}}}},
        },
    },
    "ProblemInput": {
        "type": "object", "additionalProperties": False, "required": ["title", "text"],
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 500, "pattern": SOME_TEXT,
                      "description": "not only spaces; no NUL characters"},
            "text": {"type": "string", "minLength": 10, "maxLength": 20_000, "pattern": TEN_CHARACTERS,
                     "description": "at least 10 characters besides surrounding spaces; no NUL characters"},
            "region": {"type": ["string", "null"], "maxLength": 120, "pattern": NO_NUL},
            "budget": {"type": ["string", "null"], "maxLength": 120, "pattern": NO_NUL},
            "timeline": {"type": ["string", "null"], "maxLength": 200, "pattern": NO_NUL},
            "trl": {"type": ["integer", "null"], "minimum": 1, "maximum": 9},
            "visibility": {"type": "string", "enum": ["private", "anonymous", "public"], "default": "private"},
        },
    },
    "ProblemItem": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "title", "text", "region", "budget", "timeline", "trl", "visibility", "status",
                     "organization", "created_at"],
        "properties": {
            "id": {"type": "string"}, "title": {"type": "string"}, "text": {"type": "string"},
            "region": NULLABLE_STR, "budget": NULLABLE_STR, "timeline": NULLABLE_STR,
            "trl": {"type": ["integer", "null"], "minimum": 1, "maximum": 9},
            "visibility": {"type": "string", "enum": ["private", "anonymous", "public"]},
            "status": {"type": "string"},
            "organization": {"type": ["string", "null"], "description": "null when the firm is hidden from you"},
            "created_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "ProblemList": {
        "type": "object", "additionalProperties": False, "required": ["results", "total"],
        "properties": {"results": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemItem"}},
                       "total": {"type": "integer", "minimum": 0}},
    },
    "MatchItem": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "entity_id", "kind", "name", "rank", "band", "score", "stage", "components",
                     "capabilities", "evidence"],
        "properties": {
            "id": {"type": "integer"}, "entity_id": {"type": "string"}, "kind": {"type": "string"},
            "name": {"type": "string"}, "rank": {"type": ["integer", "null"]}, "band": BAND, "score": RAW_SCORE,
            "stage": {"type": "string"},
            "components": {"type": "object", "additionalProperties": {"type": "number"}},
            "capabilities": {"type": "array", "items": {"type": "string"}},
            "evidence": {"type": "array", "items": {"$ref": "#/components/schemas/Evidence"}},
        },
    },
    "RequestItem": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "kind", "entity_id", "name", "problem_id", "stage", "requested_at", "introduced_at",
                     "consented", "nda_requested", "next_step", "holder"],
        "properties": {
            "id": {"type": "integer"}, "kind": {"type": "string", "enum": ["request", "interest"]},
            "entity_id": {"type": "string"}, "name": {"type": "string"}, "problem_id": NULLABLE_STR,
            "stage": {"type": "string"}, "requested_at": {"type": "string", "format": "date-time"},
            "introduced_at": {"type": ["string", "null"], "format": "date-time"},
            "consented": {"type": "boolean"}, "nda_requested": {"type": "boolean"},
            "next_step": {"type": "string"}, "holder": {"type": "string"},
        },
    },
    "RequestList": {
        "type": "object", "additionalProperties": False, "required": ["results", "total"],
        "properties": {"results": {"type": "array", "items": {"$ref": "#/components/schemas/RequestItem"}},
                       "total": {"type": "integer", "minimum": 0}},
    },
    "MatchList": {
        "type": "object", "additionalProperties": False, "required": ["results", "total"],
        "properties": {"results": {"type": "array", "items": {"$ref": "#/components/schemas/MatchItem"}},
                       "total": {"type": "integer", "minimum": 0}},
    },
}


def openapi_document() -> dict[str, Any]:
    """Built per call (it is small) so no request can mutate a shared copy."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "InnoBridge API", "version": "1.0.0",
                 "description": "Search partners for a technical problem, read profiles, post problems. "
                                "Errors are RFC 9457 problem details (application/problem+json)."},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "token from `flask users token --email E`"}},
        },
        "paths": {
            "/search": {"get": {
                "operationId": "search", "summary": "Ranked partners for a problem text, with evidence",
                "parameters": [
                    _param("q", "query", {"type": "string", "minLength": 1, "maxLength": 1000, "pattern": SOME_TEXT},
                           "the problem text",
                           required=True),
                    _param("kind", "query", {"type": "string", "enum": ["researcher", "lab", "equipment", "project",
                                                                          "organization"]}, "only this kind"),
                    _param("region", "query", {"type": "string", "pattern": NO_NUL}, "only this region"),
                    SEARCH_PAGE, LIMIT,
                    _param("team", "query", {"type": "string", "enum": ["0", "1"]},
                           "1: also suggest a team (partner, equipment, project) covering the problem's capabilities"),
                ],
                "responses": {"200": _ok("ranked results", "SearchResponse"), "400": _error("bad parameters"),
                              "429": _error("rate limit exceeded"), "503": _error("search backend unavailable")},
            }},
            "/entities/{entity_id}": {"get": {
                "operationId": "getEntity", "summary": "Public profile of a researcher, lab, equipment, project or "
                                                       "organisation",
                "parameters": [_param("entity_id", "path", {"type": "string", "pattern": NO_NUL},
                                     "e.g. researcher:ab12...")],
                "responses": {"200": _ok("the profile", "Entity"),
                              "308": {"description": "merged into another record: follow Location"},
                              "404": _error("unknown entity")},
            }},
            "/problems": {
                "get": {
                    "operationId": "listProblems", "summary": "Problems you may see (private ones only your own)",
                    "security": [{}, {"bearer": []}],
                    "parameters": [PROBLEMS_PAGE, LIMIT,
                                   _param("mine", "query", {"type": "string", "enum": ["0", "1"]}, "only your own")],
                    "responses": {"200": _ok("problems", "ProblemList"), "400": _error("bad parameters"),
                                  "401": _error("invalid token")},
                },
                "post": {
                    "operationId": "createProblem", "summary": "Post a problem; matching runs immediately",
                    "security": [{"bearer": []}],
                    "requestBody": {"required": True, "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ProblemInput"}}}},
                    "responses": {"201": _ok("the stored problem", "ProblemItem"), "400": _error("not JSON"),
                                  "401": _error("no or invalid token"), "403": _error("role may not post"),
                                  "422": _error("invalid fields")},
                },
            },
            "/problems/{problem_id}": {"get": {
                "operationId": "getProblem", "summary": "One problem, if you may see it",
                "security": [{}, {"bearer": []}], "parameters": [PROBLEM_ID],
                "responses": {"200": _ok("the problem", "ProblemItem"), "401": _error("invalid token"),
                              "404": _error("unknown or not visible to you")},
            }},
            "/problems/{problem_id}/matches": {"get": {
                "operationId": "listProblemMatches", "summary": "Suggested matches (owner and coordinators)",
                "security": [{"bearer": []}], "parameters": [PROBLEM_ID],
                "responses": {"200": _ok("matches", "MatchList"), "401": _error("invalid token"),
                              "403": _error("not the owner"), "404": _error("unknown or not visible to you")},
            }},
            "/requests": {"get": {
                "operationId": "listMyRequests", "summary": "Your own introduction requests and offers of help",
                "security": [{"bearer": []}],
                "responses": {"200": _ok("your requests, newest first", "RequestList"),
                              "401": _error("no or invalid token")},
            }},
            "/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1 document",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            }},
        },
    }
