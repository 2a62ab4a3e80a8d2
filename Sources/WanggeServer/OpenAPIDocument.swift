// The API's OpenAPI 3.1 description, served at /api/v1/openapi.yaml. Kept in the binary (not a
// bundle resource) so that a copied `wangge` still serves it; ServerTests checks that every
// route `API.handle` answers is described here.
public enum OpenAPIDocument {
    public static let text = #"""
openapi: 3.1.0
info:
  title: Wangge (网格) API
  version: "1"
  description: >
    Intake and plan queries for one district: geocode an address, find the grid of a point
    (WGS-84, GCJ-02, BD-09 or any EPSG code), the current plan's grids with their figures
    recomputed from geometry, the workload report, cases on the ladder, and the plan's history
    and edits (block moves, locks) checked as the CLI checks them. Every error is
    {"error": "..."}. Everything but /health, /api/v1/health, this document and login needs a
    session: log in, then send the token as `Authorization: Bearer TOKEN` or the session cookie
    (with the cookie, a POST also needs `X-CSRF-Token`). Answers are cut to the account's unit:
    a case, grid or village outside it answers 404, as one that does not exist; a route the
    role may not use answers 403.
servers:
  - url: http://127.0.0.1:8080
security:
  - bearer: []
  - cookie: []
paths:
  /health:
    get:
      summary: The server is up; the district and the number of grids it serves.
      security: []
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Health"}}}}
  /api/v1/health:
    get:
      summary: The same as /health, under the API's prefix.
      security: []
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Health"}}}}
  /api/v1/openapi.yaml:
    get:
      summary: This document.
      security: []
      responses:
        "200": {description: ok, content: {application/yaml: {}}}
  /api/v1/login:
    post:
      summary: Log in; a session of 8 hours as a bearer token and as an HttpOnly, SameSite=Strict cookie.
      description: >
        Wrong name, wrong password and a disabled account are one answer (401). Five failures for
        one name from one address within 15 minutes throttle it (429 with Retry-After).
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [name, password], properties: {name: {type: string}, password: {type: string}}}
      responses:
        "200":
          description: the session
          headers:
            Set-Cookie: {schema: {type: string}, description: "wangge_session=TOKEN; Path=/; HttpOnly; SameSite=Strict (Secure with --secure-cookie)"}
          content: {application/json: {schema: {$ref: "#/components/schemas/Session"}}}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "429":
          description: too many failed logins; try again after Retry-After seconds
          headers:
            Retry-After: {schema: {type: integer}}
          content: {application/json: {schema: {type: object, properties: {error: {type: string}}}}}
  /api/v1/logout:
    post:
      summary: End the session (and clear the cookie).
      responses:
        "200": {description: "{logged_out: true}", content: {application/json: {}}}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
  /api/v1/me:
    get:
      summary: The account of the session, its expiry and its CSRF token.
      responses:
        "200": {description: the session, content: {application/json: {schema: {$ref: "#/components/schemas/Session"}}}}
        "401": {$ref: "#/components/responses/Error"}
  /api/v1/audit:
    get:
      summary: The audit log (district accounts only), in order of appending.
      parameters:
        - {name: after, in: query, schema: {type: integer, default: 0}, description: the last sequence number already read}
        - {name: limit, in: query, schema: {type: integer, default: 1000, maximum: 10000}}
      responses:
        "200": {description: "{audit: [{seq, at, actor, action, target, address, detail}]}", content: {application/json: {}}}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
  /api/v1/geocode:
    get:
      summary: Geocode one address (township, village, grid, grid worker, confidence, candidates).
      parameters:
        - {name: q, in: query, required: true, schema: {type: string}, example: 沙湾区踏水镇公坪村3组44号}
      responses:
        "200": {description: the answer (status matched, ambiguous, outside or not_found), content: {application/json: {schema: {$ref: "#/components/schemas/GeocodeResult"}}}}
        "400": {$ref: "#/components/responses/Error"}
    post:
      summary: Geocode many addresses, answers in the order given.
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [addresses], properties: {addresses: {type: array, maxItems: 10000, items: {type: string}}}}
      responses:
        "200":
          description: one answer per address
          content: {application/json: {schema: {type: object, properties: {results: {type: array, items: {$ref: "#/components/schemas/GeocodeResult"}}}}}}
        "400": {$ref: "#/components/responses/Error"}
        "413": {$ref: "#/components/responses/Error"}
  /api/v1/assign:
    get:
      summary: The grid of a point, by the one point-to-grid rule; outside the grids, the nearest one.
      parameters:
        - {name: lon, in: query, required: true, schema: {type: number}}
        - {name: lat, in: query, required: true, schema: {type: number}}
        - {name: crs, in: query, required: false, schema: {type: string, default: wgs84}, description: "wgs84, gcj02 (Amap), bd09 (Baidu), cgcs2000 or EPSG:n"}
      responses:
        "200": {description: the grid, content: {application/json: {schema: {$ref: "#/components/schemas/Assignment"}}}}
        "400": {$ref: "#/components/responses/Error"}
  /api/v1/grids:
    get:
      summary: The current plan's grids (GeoJSON, RFC 7946), figures recomputed.
      responses:
        "200": {description: a FeatureCollection, content: {application/geo+json: {}}}
  /api/v1/grids/{code}:
    get:
      summary: One grid by its 15-digit code.
      parameters:
        - {name: code, in: path, required: true, schema: {type: string, pattern: "^[0-9]{15}$"}}
      responses:
        "200": {description: a Feature, content: {application/geo+json: {}}}
        "404": {$ref: "#/components/responses/Error"}
  /api/v1/villages/{code}/grids:
    get:
      summary: The grids of one village or community.
      parameters:
        - {name: code, in: path, required: true, schema: {type: string, pattern: "^[0-9]{12}$"}}
      responses:
        "200": {description: a FeatureCollection, content: {application/geo+json: {}}}
        "404": {$ref: "#/components/responses/Error"}
  /api/v1/report:
    get:
      summary: The workload report of the current plan (as `wangge report` writes report.json), over the account's grids.
      responses:
        "200": {description: the report, content: {application/json: {}}}
        "403": {$ref: "#/components/responses/Error"}
  /api/v1/cases:
    post:
      summary: Register a case from an address or a point; located and given its grid on the way in.
      description: >
        An ambiguous address is refused (422) with its candidates unless "pick" (1-based) or
        "village" (12-digit code) chooses; an address outside the district is refused (422).
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [type]
              properties:
                type: {type: string, description: "a case type (docs/CASES.md)"}
                category: {type: string}
                description: {type: string}
                address: {type: string}
                lon: {type: number}
                lat: {type: number}
                crs: {type: string, default: wgs84}
                pick: {type: integer}
                village: {type: string}
                note: {type: string}
      responses:
        "201": {description: the case (its first step's actor is the account), content: {application/json: {schema: {$ref: "#/components/schemas/Case"}}}}
        "400": {$ref: "#/components/responses/Error"}
        "403": {description: "a department account, or a place outside the account's unit"}
        "422": {$ref: "#/components/responses/Error"}
    get:
      summary: Cases by id, filtered.
      parameters:
        - {name: grid, in: query, schema: {type: string}}
        - {name: village, in: query, schema: {type: string}}
        - {name: township, in: query, schema: {type: string}}
        - {name: status, in: query, schema: {type: string}}
        - {name: level, in: query, schema: {type: string}}
        - {name: type, in: query, schema: {type: string}}
        - {name: light, in: query, schema: {type: string, enum: [green, yellow, red, parked]}}
        - {name: from, in: query, schema: {type: string}, description: ISO 8601 with offset, or a date}
        - {name: to, in: query, schema: {type: string}}
        - {name: open, in: query, schema: {type: boolean}, description: only cases not yet solved}
        - {name: limit, in: query, schema: {type: integer, default: 100, maximum: 10000}}
      responses:
        "200": {description: "{cases: [...]}", content: {application/json: {}}}
        "400": {$ref: "#/components/responses/Error"}
  /api/v1/cases/report:
    get:
      summary: Light counts per grid, village, township and department.
      parameters:
        - {name: open, in: query, schema: {type: boolean}, description: only cases not yet solved}
      responses:
        "200": {description: the report, content: {application/json: {}}}
  /api/v1/cases/{id}:
    get:
      summary: One case with its history.
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: "{case, history}", content: {application/json: {}}}
        "404": {$ref: "#/components/responses/Error"}
  /api/v1/cases/{id}/{action}:
    post:
      summary: "One step of the ladder: accept, escalate, return, extend, park, resolve, verify, close."
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: action, in: path, required: true, schema: {type: string, enum: [accept, escalate, return, extend, park, resolve, verify, close]}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, properties: {actor: {type: string, description: "optional; if given, the account's own name"}, note: {type: string}, hours: {type: number, description: for extend}}}
      responses:
        "200": {description: "{case, transition}", content: {application/json: {}}}
        "400": {$ref: "#/components/responses/Error"}
        "403": {description: "the account sees the case but its level may not take this step (docs/CASES.md, rights)"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {description: the ladder does not allow it from the case's status or level; the reason in words}
  /api/v1/plan:
    get:
      summary: The current plan version (id, parent, author, time, action, message, grid and block counts) and the locked grids.
      description: For district, township and village accounts (403 for the others).
      responses:
        "200": {description: "{version, locks}", content: {application/json: {schema: {type: object, properties: {version: {$ref: "#/components/schemas/PlanVersion"}, locks: {type: array, items: {type: string}}}}}}}
        "403": {$ref: "#/components/responses/Error"}
  /api/v1/plan/versions:
    get:
      summary: Every version of the plan store, oldest first.
      responses:
        "200": {description: "{current, versions}", content: {application/json: {schema: {type: object, properties: {current: {type: integer}, versions: {type: array, items: {$ref: "#/components/schemas/PlanVersion"}}}}}}}
        "403": {$ref: "#/components/responses/Error"}
  /api/v1/plan/villages/{code}:
    get:
      summary: One village's blocks (GeoJSON, each with its grid, households, hours and neighbouring blocks), its grids' figures, the village mean and tolerance, and the locks.
      description: >
        The balance is on the blocks' hours (the partition's measure): each grid's deviation from
        the village mean and whether it is within ±tolerance. A village outside the account's unit
        answers 404, as one that does not exist.
      parameters:
        - {name: code, in: path, required: true, schema: {type: string, pattern: "^[0-9]{12}$"}, example: "511111001001"}
      responses:
        "200": {description: "{version, village, grids, locks, editable, blocks}", content: {application/json: {}}}
        "403": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {description: "the plan has no blocks (it was made from a grid file alone)"}
  /api/v1/plan/edits:
    post:
      summary: "Edits checked as `wangge plan move|lock|unlock` checks them: moves of one village's blocks (recorded together as one version), or one lock or unlock."
      description: >
        District and township accounts, inside their unit (a grid or block outside it answers 404).
        Each move's blocks must share an edge with its target grid as the blocks lie after the moves
        before it; then the result is checked as every edit is (no locked grid changed, no grid
        emptied or in pieces, the village's grid check). A refusal is 422 with every reason, and
        nothing is recorded. base_version, when given, must be the current version (else 409).
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [edits]
              properties:
                edits:
                  type: array
                  minItems: 1
                  maxItems: 1000
                  items:
                    oneOf:
                      - {type: object, required: [op, blocks, to], properties: {op: {const: move}, blocks: {type: array, minItems: 1, items: {type: string}}, to: {type: string}}}
                      - {type: object, required: [op, grids], properties: {op: {enum: [lock, unlock]}, grids: {type: array, minItems: 1, items: {type: string}}}}
                message: {type: string}
                base_version: {type: integer}
            example: {edits: [{op: move, blocks: ["511111001001-0006"], to: "511111001001001"}], message: "one block to its neighbour"}
      responses:
        "201": {description: "{version, grids_changed, blocks_moved}", content: {application/json: {}}}
        "400": {$ref: "#/components/responses/Error"}
        "403": {description: "not a district or township account, or a cookie without X-CSRF-Token"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {description: the plan changed since base_version, or it has no blocks}
        "413": {$ref: "#/components/responses/Error"}
        "422": {description: "refused: {error, reasons: [...]}, every reason in words; nothing recorded"}
  /api/v1/plan/diff:
    get:
      summary: What changed from version `from` to `to` (to — the current version; from — its parent), cut to the account's unit.
      parameters:
        - {name: from, in: query, schema: {type: integer, minimum: 1}, example: 1}
        - {name: to, in: query, schema: {type: integer, minimum: 1}, example: 2}
      responses:
        "200": {description: "{from, to, empty, grids_added, grids_removed, grids_changed, blocks_moved, addresses_moved, households_moved, villages}", content: {application/json: {}}}
        "400": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer, description: the token from /api/v1/login}
    cookie: {type: apiKey, in: cookie, name: wangge_session, description: "set by /api/v1/login; a POST with it also needs the header X-CSRF-Token"}
  responses:
    Error:
      description: what was wrong, in words
      content: {application/json: {schema: {type: object, required: [error], properties: {error: {type: string}}}}}
  schemas:
    Session:
      type: object
      properties:
        account: {type: object, properties: {name: {type: string}, display_name: {type: string}, role: {type: string, enum: [district, township, village, grid, department]}, unit: {type: [string, "null"]}}}
        token: {type: string, description: login only; never stored by the server (only its SHA-256)}
        csrf_token: {type: string}
        expires_at: {type: string, description: ISO 8601 UTC}
    Health:
      type: object
      properties: {status: {type: string}, district: {type: string}, grids: {type: integer}, grids_file: {type: string}}
    GeocodeResult:
      type: object
      required: [input, status, confidence, candidates]
      properties:
        input: {type: string}
        status: {type: string, enum: [matched, ambiguous, outside, not_found]}
        township: {type: [string, "null"]}
        village: {type: [string, "null"]}
        village_code: {type: [string, "null"]}
        grid: {type: [string, "null"]}
        grid_worker: {type: object, properties: {name: {type: string}, phone: {type: [string, "null"]}}}
        level: {type: [string, "null"], enum: [house, group, street, village, township, null]}
        lon: {type: [number, "null"]}
        lat: {type: [number, "null"]}
        confidence: {type: number}
        candidates: {type: array, items: {type: object}}
        outside: {type: string}
        warnings: {type: array, items: {type: string}}
    Case:
      type: object
      properties:
        id: {type: string}
        type: {type: string}
        category: {type: string}
        address: {type: [string, "null"]}
        township_code: {type: [string, "null"]}
        village_code: {type: [string, "null"]}
        grid_code: {type: [string, "null"]}
        grid_worker: {type: [string, "null"]}
        level: {type: string, enum: [grid, village, township, district, department]}
        status: {type: string}
        light: {type: string, enum: [green, yellow, red, parked]}
        deadline: {type: string}
        reported_at: {type: string}
    PlanVersion:
      type: object
      properties:
        version: {type: integer}
        parent: {type: [integer, "null"]}
        author: {type: string}
        time: {type: string, description: ISO 8601 UTC}
        action: {type: string, description: "init, move, lock, unlock, import, checkout, …"}
        message: {type: string}
        grids: {type: integer}
        blocks: {type: integer}
    Assignment:
      type: object
      required: [status, lon_wgs84, lat_wgs84]
      properties:
        status: {type: string, enum: [inside, edge, outside]}
        lon_wgs84: {type: number}
        lat_wgs84: {type: number}
        grid_code: {type: string}
        grid_name: {type: string}
        village_code: {type: string}
        village: {type: string}
        township: {type: string}
        grid_worker: {type: [object, "null"], properties: {name: {type: string}, phone: {type: string}}}
        nearest_grid: {type: string}
        distance_m: {type: number}

"""#
}
