"""The words seeded rows are made of: technologies, agent nodes, messages, documents.

Everything here is a constant; the SQL in statements.py picks from these lists
by hashing a row's index, so the same seed always picks the same words.
"""

from __future__ import annotations

import json

# technology_category -> (label, four candidate technologies). Research items take
# 2-4 consecutive candidates (cyclically), so a decision always names one of them.
TECHNOLOGIES: dict[str, tuple[str, tuple[str, str, str, str]]] = {
    "database": ("primary database", ("PostgreSQL", "MySQL", "MongoDB", "CockroachDB")),
    "cache": ("cache layer", ("Redis", "Memcached", "KeyDB", "Dragonfly")),
    "message_queue": ("message queue", ("RabbitMQ", "Apache Kafka", "Amazon SQS", "NATS")),
    "authentication": ("authentication provider", ("Auth0", "Keycloak", "Clerk", "Firebase Authentication")),
    "search": ("search engine", ("Elasticsearch", "OpenSearch", "Meilisearch", "Typesense")),
    "realtime": ("realtime transport", ("Django Channels", "Socket.IO", "Pusher", "Ably")),
    "file_storage": ("file storage", ("Amazon S3", "Google Cloud Storage", "Cloudflare R2", "MinIO")),
    "payments": ("payment processor", ("Stripe", "Adyen", "Braintree", "PayPal")),
    "email": ("transactional email", ("Amazon SES", "Postmark", "SendGrid", "Mailgun")),
    "monitoring": ("error monitoring", ("Sentry", "Datadog", "New Relic", "Grafana Cloud")),
    "frontend": ("frontend framework", ("React", "Vue", "Svelte", "Angular")),
    "hosting": ("hosting platform", ("AWS", "Google Cloud", "Fly.io", "Render")),
}
CATEGORIES = tuple(TECHNOLOGIES)
CATEGORY_LABELS = tuple(label for label, _ in TECHNOLOGIES.values())
# Flat list: the name of candidate r of category c is TECHNOLOGY_NAMES[c * 4 + r].
TECHNOLOGY_NAMES = tuple(name for _, names in TECHNOLOGIES.values() for name in names)
CUSTOM_TECHNOLOGIES = ("In-house service", "SQLite", "Supabase", "Cloudflare Workers", "Nginx + Lua")

_PROS = ("mature ecosystem", "managed offering", "strong consistency", "low latency", "generous free tier",
         "good Django support", "horizontal scaling", "simple operations")
_CONS = ("vendor lock-in", "operational overhead", "higher cost at scale", "smaller community",
         "limited query features", "steeper learning curve")


def _option(category_index: int, candidate: int) -> dict:
    name = TECHNOLOGY_NAMES[category_index * 4 + candidate]
    k = category_index * 4 + candidate
    return {
        "name": name,
        "pros": [_PROS[k % len(_PROS)], _PROS[(k + 3) % len(_PROS)]],
        "cons": [_CONS[k % len(_CONS)]],
        "score": round(6.0 + (k * 7 % 35) / 10, 1),
    }


def options_json() -> list[str]:
    """researched_options for every (category, first candidate, count) at index (c * 4 + r) * 3 + count - 2."""
    out = []
    for c in range(len(CATEGORIES)):
        for r in range(4):
            for count in (2, 3, 4):
                out.append(json.dumps([_option(c, (r + s) % 4) for s in range(count)]))
    return out


GAP_DESCRIPTIONS = (
    "The PRD needs a {label}, but the design documents do not name one.",
    "The screen specs imply a {label}; the team has not chosen one yet.",
    "The UX flow depends on a {label} that the design leaves open.",
    "Non-functional requirements call for a {label} with clear trade-offs.",
)
SELECTION_REASONS = (
    "Best fit for the team's experience and the expected load.",
    "Lowest operational cost for the first year.",
    "Meets the latency target in the PRD with room to spare.",
    "Already used elsewhere in the company; shared runbooks.",
    "Open source with a managed option, so no lock-in.",
)

# The agent's LangGraph nodes, the errors each one hits, and how they recover.
NODES = (
    "load_inputs", "analyze_completeness", "identify_tech_gaps", "research_technologies",
    "present_options", "wait_user_decision", "parse_ai_studio_code", "infer_api_spec",
    "generate_trd", "validate_trd",
)
# Aligned with NODES: the error a node typically raises, and its message.
ERROR_TYPES = (
    "DesignOutputMissing", "ValidationError", "LLMResponseParseError", "TimeoutError",
    "RateLimitError", "UserDecisionTimeout", "SyntaxError", "SchemaInferenceError",
    "ContextLengthExceeded", "ValidationError",
)
ERROR_MESSAGES = (
    "Design output screen_specs was empty; reloading from shared.design_outputs.",
    "Completeness score 0.62 below threshold 0.70.",
    "Could not parse the model's JSON answer: Expecting ',' delimiter at line 12.",
    "Search provider did not answer within 30 s.",
    "Rate limit reached while rendering option cards; retry after 20 s.",
    "No decision from the user within 24 h.",
    "Unexpected token in AI Studio component App.tsx at line 88.",
    "Could not infer the response schema of POST /api/orders.",
    "Prompt exceeds the model's context window by 3,214 tokens.",
    "TRD section 'API' references an endpoint missing from the specification.",
)
RECOVERY_STRATEGIES = (
    "retry_with_backoff", "fallback_model", "use_cached_result", "ask_user",
    "skip_and_continue", "regenerate_section", "truncate_context",
)
STACK_TRACE = (
    'Traceback (most recent call last):\n  File "agent/graph.py", line 214, in run_node\n'
    "    result = await node(state)\n  File \"agent/nodes.py\", line 97, in __call__\n"
    "    raise error\n"
)

AGENT_QUESTIONS = (
    "I analysed the design documents. Shall I start the technology research?",
    "The PRD mentions offline support. Is that required for the first release?",
    "How many concurrent users should the first release handle?",
    "Do you have a preferred cloud provider?",
)
AGENT_PROGRESS = (
    "Design inputs loaded: PRD, design system, UX flow and screen specs.",
    "Completeness analysis finished; a few technology gaps remain.",
    "Parsing the AI Studio code to infer the API.",
    "Generating the TRD sections.",
)
USER_REPLIES = (
    "Yes, go ahead.",
    "Around five thousand at launch, growing quickly.",
    "We prefer AWS, but we are open to suggestions.",
    "Offline support can wait for version two.",
    "Can you compare costs as well?",
)

DESIGN_DECISIONS = (
    ("color_palette", "Indigo primary, slate neutrals", "Accessible contrast on both themes."),
    ("typography", "Inter for UI, JetBrains Mono for code", "Readable at small sizes."),
    ("layout", "12-column grid, 8 px spacing scale", "Consistent rhythm across screens."),
    ("component_library", "Radix primitives with custom styling", "Accessible by default."),
    ("navigation", "Bottom tab bar on mobile, sidebar on desktop", "Matches the UX flow."),
)
DESIGN_OUTPUTS = (
    ("prd", "# Product Requirements\n\n## Goals\nLet teams plan and track work.\n\n## Users\nTeam leads, members."),
    ("design_system", "# Design System\n\n## Colors\nPrimary #4F46E5\n\n## Typography\nInter 14/20."),
    ("ux_flow", "# UX Flow\n\n1. Sign in\n2. Dashboard\n3. Create project\n4. Invite members"),
    ("screen_specs", "# Screen Specs\n\n## Dashboard\nCards of projects, filters, search.\n\n## Project\nBoard view."),
    ("ai_studio_code", "export default function App() {\n  return <Dashboard />;\n}\n"),
)

TRD_CONTENT = (
    "# Technical Requirements Document\n\n## 1. Overview\nThe system implements the product described in "
    "the PRD as a web application with a REST API.\n\n## 2. Architecture\nA Django API behind a load "
    "balancer, PostgreSQL for storage, Redis for caching and background jobs.\n\n## 3. Technology Stack\n"
    "See the tech stack document.\n\n## 4. API\nSee the API specification.\n\n## 5. Data Model\nSee the "
    "database schema.\n\n## 6. Non-functional Requirements\n- p95 latency under 300 ms\n- 99.9% uptime\n"
    "\n## 7. Risks\n- Third-party rate limits\n"
)
TRD_API_SPEC = (
    "openapi: 3.1.0\ninfo: {title: Generated API, version: '1.0'}\npaths:\n  /api/projects/:\n"
    "    get: {summary: List projects}\n    post: {summary: Create a project}\n"
)
TRD_DB_SCHEMA = (
    "CREATE TABLE projects (id uuid PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL);\n"
    "CREATE TABLE members (project_id uuid REFERENCES projects, user_id uuid, role text);\n"
)
TRD_DIAGRAM = "flowchart LR\n  Browser --> API\n  API --> PostgreSQL\n  API --> Redis\n  Worker --> Redis\n"
TRD_STACK = "# Tech Stack\n\n| Layer | Choice |\n| --- | --- |\n| API | Django + DRF |\n| Database | PostgreSQL |\n"
