"""Drives a running `axme server` with the official Python SDK (axme==0.2.0).

Run by tests/server_python_sdk.rs, which starts the server, provisions an agent over HTTP
and passes everything through AXME_TEST_* environment variables. Prints one line per
step; exits non-zero (with a traceback) on the first failed check.
"""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import os
import sys
import threading
import time
import traceback
import uuid

from axme_sdk import AxmeClient, AxmeClientConfig
from axme_sdk.exceptions import AxmeAuthError, AxmeValidationError

TERMINAL = {"COMPLETED", "FAILED", "CANCELED", "TIMED_OUT"}


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def step(name: str) -> None:
    print(f"ok: {name}", flush=True)


def contiguous(events: list[dict]) -> bool:
    return [e.get("seq") for e in events] == list(range(1, len(events) + 1))


def run() -> None:
    env = os.environ
    base_url = env["AXME_TEST_BASE_URL"]
    admin_key = env["AXME_TEST_ADMIN_KEY"]
    agent_key = env["AXME_TEST_AGENT_KEY"]
    agent_address = env["AXME_TEST_AGENT_ADDRESS"]
    org_id = env["AXME_TEST_ORG_ID"]
    workspace_id = env["AXME_TEST_WORKSPACE_ID"]

    admin = AxmeClient(AxmeClientConfig(base_url=base_url, api_key=admin_key))
    agent = AxmeClient(AxmeClientConfig(base_url=base_url, api_key=agent_key))

    check(admin.health().get("ok") is True, "health ok")
    step("health")

    # The agent listens in a thread and completes whatever it is given.
    seen: dict = {}
    failures: list[str] = []

    def agent_loop() -> None:
        try:
            for delivery in agent.listen(agent_address, wait_seconds=2, timeout_seconds=45):
                intent_id = delivery.get("intent_id")
                seen["delivery"] = delivery
                seen["intent"] = agent.get_intent(intent_id)
                seen["resume"] = agent.resume_intent(
                    intent_id, {"action": "complete", "report": {"pages": 3}}
                )
                return
        except BaseException as exc:  # reported by the main thread
            failures.append("".join(traceback.format_exception(exc)))

    listener = threading.Thread(target=agent_loop, daemon=True)
    listener.start()

    intent_id = admin.send_intent(
        {
            "intent_type": "report.generate.v1",
            "to_agent": agent_address,
            "payload": {"report": "q3"},
        }
    )
    check(isinstance(intent_id, str) and len(intent_id) == 36, f"intent id {intent_id!r}")
    step("send_intent")

    terminal = admin.wait_for(intent_id, wait_seconds=5, timeout_seconds=40)
    check(terminal.get("status") == "COMPLETED", f"wait_for terminal event: {terminal}")
    check(terminal.get("event_type") == "intent.completed", f"terminal event: {terminal}")
    step("wait_for reached COMPLETED")

    listener.join(timeout=30)
    check(not failures, "agent thread failed:\n" + "\n".join(failures))
    check("resume" in seen, "the agent never got the intent")
    delivery = seen["delivery"]
    check(delivery.get("intent_id") == intent_id, f"delivery: {delivery}")
    check(delivery.get("status") == "DELIVERED", f"delivery status: {delivery}")
    got = seen["intent"]["intent"]
    check(got["intent_id"] == intent_id, f"agent get_intent: {got}")
    check(got["payload"] == {"report": "q3"}, f"payload: {got}")
    check(got["lifecycle_status"] == got["status"], f"status fields: {got}")
    top = seen["intent"]
    check(top.get("payload") == {"report": "q3"}, f"top-level payload (spec 12.6): {top}")
    check(seen["resume"].get("ok") is True, f"resume: {seen['resume']}")
    check(seen["resume"].get("applied") is True, f"resume applied: {seen['resume']}")
    step("listen + get_intent + resume_intent(complete) as the agent")

    observed = list(admin.observe(intent_id, wait_seconds=2, timeout_seconds=20))
    types = [e.get("event_type") for e in observed]
    check(contiguous(observed), f"observe seqs: {[e.get('seq') for e in observed]}")
    check(types[:3] == ["intent.created", "intent.submitted", "intent.delivered"], f"{types}")
    check(types[-1] == "intent.completed", f"observe ends at the terminal event: {types}")
    step("observe replays the whole lifecycle")

    events = admin.list_intent_events(intent_id)["events"]
    check(contiguous(events), f"list_intent_events seqs: {events}")
    check(events[-1]["status"] == "COMPLETED", f"last event: {events[-1]}")
    later = admin.list_intent_events(intent_id, since=2)["events"]
    check([e["seq"] for e in later] == [e["seq"] for e in events[2:]], f"since=2: {later}")
    step("list_intent_events (exclusive since)")

    final = admin.get_intent(intent_id)["intent"]
    check(final["status"] == "COMPLETED", f"final: {final}")
    check(final["lifecycle_status"] == "COMPLETED", f"final: {final}")
    check(final.get("result") == {"report": {"pages": 3}}, f"result: {final.get('result')}")
    step("get_intent shows COMPLETED with the result")

    # Idempotent sends: same key and body → same intent; a changed body → 409.
    correlation = str(uuid.uuid4())
    body = {"intent_type": "report.generate.v1", "to_agent": "agent://local/default/nobody",
            "payload": {"n": 1}}
    first = admin.send_intent(body, correlation_id=correlation, idempotency_key="sdk-idem-0001")
    again = admin.send_intent(body, correlation_id=correlation, idempotency_key="sdk-idem-0001")
    check(first == again, f"idempotent replay: {first} != {again}")
    try:
        admin.send_intent(dict(body, payload={"n": 2}), correlation_id=correlation,
                          idempotency_key="sdk-idem-0001")
        raise AssertionError("a reused key with another body was accepted")
    except AxmeValidationError as exc:
        check(exc.status_code == 409, f"conflict status {exc.status_code}")
    # A retry after a crash: send_intent makes a new correlation_id per call, and the same
    # Idempotency-Key still replays the original intent with its original correlation id.
    retried = admin.send_intent(body, idempotency_key="sdk-idem-0002")
    check(admin.send_intent(body, idempotency_key="sdk-idem-0002") == retried, "sdk retry")
    original = admin.get_intent(retried)["intent"]["correlation_id"]
    check(admin.send_intent(body, idempotency_key="sdk-idem-0002") == retried, "sdk retry 2")
    check(admin.get_intent(retried)["intent"]["correlation_id"] == original, "correlation kept")
    step("idempotency replay and conflict")

    # resolve twice: the second terminal change is a 409 raised as a validation error.
    other = admin.send_intent(
        {"intent_type": "report.generate.v1", "to_agent": "agent://local/default/nobody",
         "payload": {}}
    )
    resolved = admin.resolve_intent(other, {"status": "COMPLETED", "result": {"ok": True}})
    check(resolved.get("ok") is True, f"resolve: {resolved}")
    check(resolved["intent"]["status"] == "COMPLETED", f"resolve intent: {resolved}")
    check(resolved["event"]["event_type"] == "intent.completed", f"resolve event: {resolved}")
    try:
        admin.resolve_intent(other, {"status": "CANCELED", "reason": "second thoughts"})
        raise AssertionError("a second terminal change was accepted")
    except AxmeValidationError as exc:
        check(exc.status_code == 409, f"second resolve status {exc.status_code}")
        check(bool(exc.message), "the 409 carries a message")
    step("resolve_intent twice → 409 AxmeValidationError")

    # The inbox as the SDK offers it: a completion lands in reply_to's inbox; the thread,
    # the change feed, reply, read-like actions, delegate, approve, delete; approvals.
    owner = "agent://local/default/sdk-inbox"
    done_id = admin.send_intent(
        {"intent_type": "report.generate.v1", "to_agent": "agent://local/default/nobody",
         "payload": {}, "reply_to": "sdk-inbox"}
    )
    admin.resolve_intent(done_id, {"status": "COMPLETED", "result": {"pages": 1}})
    threads = admin.list_inbox(owner_agent=owner)["threads"]
    check([t["thread_id"] for t in threads] == [done_id], f"list_inbox: {threads}")
    thread = admin.get_inbox_thread(done_id, owner_agent="sdk-inbox")["thread"]
    check(thread["status"] == "done" and thread["messages"], f"get_inbox_thread: {thread}")
    changes = admin.list_inbox_changes(owner_agent=owner, limit=10)
    check([c["thread"]["thread_id"] for c in changes["changes"]] == [done_id], f"{changes}")
    cursor = changes["next_cursor"]
    check(changes["has_more"] is False and cursor, f"changes: {changes}")

    fresh = str(uuid.uuid4())
    replied = admin.reply_inbox_thread(fresh, message="hello", owner_agent=owner,
                                       idempotency_key="sdk-reply-0001")
    again = admin.reply_inbox_thread(fresh, message="hello", owner_agent=owner,
                                     idempotency_key="sdk-reply-0001")
    check(again == replied and len(replied["thread"]["messages"]) == 1, f"reply: {again}")
    message_id = replied["thread"]["messages"][0]["message_id"]
    later = admin.list_inbox_changes(owner_agent=owner, cursor=cursor)
    check([c["thread"]["thread_id"] for c in later["changes"]] == [fresh], f"{later}")
    deleted = admin.delete_inbox_messages(fresh, {"mode": "self", "message_ids": [message_id]},
                                          owner_agent=owner)
    check(deleted["deleted_count"] == 1, f"delete_inbox_messages: {deleted}")
    delegated = admin.delegate_inbox_thread(fresh, {"delegate_to": "sdk-deputy"},
                                            owner_agent=owner)
    deputy = "agent://local/default/sdk-deputy"
    check(delegated["thread"]["owner_agent"] == deputy, f"delegate: {delegated}")
    approved = admin.approve_inbox_thread(fresh, {"comment": "ok"}, owner_agent=deputy)
    check(approved["thread"]["status"] == "done", f"approve: {approved}")
    try:
        admin.reject_inbox_thread(fresh, {"comment": "no"}, owner_agent=deputy)
        raise AssertionError("a done thread was rejected")
    except AxmeValidationError as exc:
        check(exc.status_code == 409, f"reject a done thread: {exc.status_code}")
    decided = admin.decide_approval(str(uuid.uuid4()), decision="approve", comment="fine")
    check(decided["approval"]["decision"] == "approve", f"decide_approval: {decided}")
    step("inbox: list, thread, changes, reply (keyed), delete, delegate, approve, approvals")

    # Webhooks (spec §9.2) as the SDK offers them: a subscriber on loopback receives the
    # event signed with the subscription's secret; replay sends it again; revoke.
    hook_secret = "sdk-webhook-secret-0123"
    received: list[tuple[dict, bytes]] = []
    arrived = threading.Condition()

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with arrived:
                received.append((dict(self.headers), body))
                arrived.notify_all()
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    hook_url = f"http://127.0.0.1:{hook.server_address[1]}/hook"

    def wait_received(n: int) -> None:
        with arrived:
            check(arrived.wait_for(lambda: len(received) >= n, timeout=20),
                  f"webhook deliveries: {len(received)} of {n}")

    def signed(headers: dict, body: bytes) -> bool:
        sig = {k.lower(): v for k, v in headers.items()}.get("x-axme-signature", "")
        mac = hmac.new(hook_secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(sig, f"sha256={mac}")

    subscribed = agent.upsert_webhook_subscription(
        {"callback_url": hook_url, "event_types": ["inbox.thread_created"],
         "secret": hook_secret, "active": True, "description": "sdk"},
        idempotency_key="sdk-hook-0001")
    sub = subscribed["subscription"]
    check(sub["owner_agent"] == agent_address and sub["secret_hint"].endswith("0123"), f"{sub}")
    listed = agent.list_webhook_subscriptions()["subscriptions"]
    check([s["subscription_id"] for s in listed] == [sub["subscription_id"]], f"list: {listed}")
    by_admin = admin.list_webhook_subscriptions(owner_agent=agent_address)["subscriptions"]
    check(len(by_admin) == 1, f"admin list: {by_admin}")
    event = {"event_type": "inbox.thread_created", "source": "sdk", "payload": {"n": 1}}
    published = agent.publish_webhook_event(event, idempotency_key="sdk-event-0001")
    check(published["queued_deliveries"] == 1, f"publish: {published}")
    again = agent.publish_webhook_event(event, idempotency_key="sdk-event-0001")
    check(again["event_id"] == published["event_id"], f"keyed publish: {again}")
    wait_received(1)
    headers, body = received[0]
    check(signed(headers, body), f"webhook signature: {headers}")
    delivered = json.loads(body)
    check(delivered["event_id"] == published["event_id"] and delivered["payload"] == {"n": 1},
          f"delivered: {delivered}")
    # The subscriber answered; the gateway records that a moment later (a pending delivery
    # is under way, and replay leaves it alone).
    for _ in range(100):
        replayed = agent.replay_webhook_event(published["event_id"])
        if replayed["queued_deliveries"] == 1:
            break
        time.sleep(0.05)
    check(replayed["queued_deliveries"] == 1 and replayed["replayed_at"], f"replay: {replayed}")
    wait_received(2)
    check(json.loads(received[1][1])["event_id"] == published["event_id"], "replayed event")
    gone = agent.delete_webhook_subscription(sub["subscription_id"])
    check(gone["subscription_id"] == sub["subscription_id"] and gone["revoked_at"], f"{gone}")
    check(agent.list_webhook_subscriptions()["subscriptions"] == [], "revoked is not listed")
    hook.shutdown()
    step("webhooks: subscribe (keyed), list, publish (keyed), signed delivery, replay, revoke")

    agents = admin.list_agents(org_id=org_id, workspace_id=workspace_id)["agents"]
    addresses = {a.get("address") for a in agents}
    check(agent_address in addresses, f"list_agents: {addresses}")
    check("agent://local/default/admin" in addresses, f"list_agents: {addresses}")
    check(admin.get_agent(agent_address)["agent"]["address"] == agent_address, "get_agent")
    step("list_agents + get_agent")

    # Service-account provisioning as the public CLI does it, through the SDK.
    created = admin.create_service_account(
        {"name": "sdk-made", "display_name": "Made by the SDK",
         "org_id": org_id, "workspace_id": workspace_id}
    )["service_account"]
    sa_id = created.get("service_account_id") or created.get("id")
    check(created.get("agent_address") == "agent://local/default/sdk-made", f"{created}")
    key = admin.create_service_account_key(sa_id, {})["key"]
    check(key["token"].startswith("axme_sa_"), f"key: {key}")
    listed = admin.list_service_accounts(org_id=org_id, workspace_id=workspace_id)
    check(any(s.get("name") == "sdk-made" for s in listed["service_accounts"]), f"{listed}")
    made = AxmeClient(AxmeClientConfig(base_url=base_url, api_key=key["token"]))
    check(made.list_agents(org_id=org_id, workspace_id=workspace_id).get("ok") is True, "new key")
    revoked = admin.revoke_service_account_key(sa_id, key["key_id"])
    check(revoked["key"]["status"] == "revoked", f"revoke: {revoked}")
    try:
        made.get_capabilities()
        raise AssertionError("a revoked key still works")
    except AxmeAuthError as exc:
        check(exc.status_code == 401, f"revoked key status {exc.status_code}")
    made.close()
    caps = admin.get_capabilities()
    check(caps.get("ok") is True and caps.get("capabilities"), f"capabilities: {caps}")
    step("service accounts, keys, revoke + capabilities")

    # The agent mesh (spec §9.4): heartbeat, list, kill, resume, events.
    mesh_agent = AxmeClient(AxmeClientConfig(base_url=base_url, api_key=agent_key))
    beat = mesh_agent.mesh.heartbeat(metrics={"intents_total": 2, "cost_usd": 0.5})
    check(beat.get("ok") is True and beat.get("health_status") == "healthy", f"heartbeat: {beat}")
    listed = admin.mesh.list_agents()
    mine = [a for a in listed["agents"] if a["address"] == agent_address]
    check(len(mine) == 1 and mine[0]["health_status"] == "healthy", f"mesh list: {listed}")
    check(listed["summary"]["healthy"] >= 1, f"summary: {listed['summary']}")
    address_id = mine[0]["address_id"]
    check(admin.mesh.get_agent(address_id)["agent"]["address"] == agent_address, "mesh get_agent")
    killed = admin.mesh.kill(address_id)
    check(killed["agent"]["health_status"] == "killed", f"kill: {killed}")
    try:
        admin.send_intent({"intent_type": "report.generate.v1", "to_agent": agent_address,
                           "payload": {}})
        raise AssertionError("an intent to a killed agent was accepted")
    except AxmeAuthError as exc:
        check(exc.status_code == 403, f"killed agent send status {exc.status_code}")
    check(mesh_agent.mesh.heartbeat().get("health_status") == "killed", "heartbeat says killed")
    events = admin.mesh.list_events(event_type="agent.killed")["events"]
    check(events and events[0]["address"] == agent_address, f"events: {events}")
    # The examples pass a full address where the id goes.
    resumed = admin.mesh.resume(agent_address)
    check(resumed["agent"]["health_status"] != "killed", f"resume: {resumed}")
    admin.send_intent({"intent_type": "report.generate.v1", "to_agent": agent_address,
                       "payload": {}})
    mesh_agent.close()
    step("mesh heartbeat, list, kill, resume, events")

    # MCP (spec §9.5) as the SDK offers it: initialize, the tools, a call, and its errors
    # raised as the SDK's exceptions (−32602 → 422, −32003 and −32001 → 403).
    init = admin.mcp_initialize()
    check(init.get("protocolVersion") == "2024-11-05", f"mcp_initialize: {init}")
    tools = admin.mcp_list_tools()["tools"]
    names = {t["name"] for t in tools}
    check({"axme.send", "axme.get_intent", "axme.resolve_intent"} <= names, f"tools: {names}")
    sent = admin.mcp_call_tool(
        "axme.send",
        arguments={"to_agent": agent_address, "payload": {"via": "mcp"}},
        idempotency_key="sdk-mcp-0001",
    )
    check(sent.get("ok") is True and sent.get("status") == "completed", f"mcp send: {sent}")
    mcp_intent = sent["data"]["intent_id"]
    again = admin.mcp_call_tool(
        "axme.send",
        arguments={"to_agent": agent_address, "payload": {"via": "mcp"}},
        idempotency_key="sdk-mcp-0001",
    )
    check(again["data"]["intent_id"] == mcp_intent, f"idempotent mcp send: {again}")
    done = agent.mcp_call_tool(
        "axme.resolve_intent",
        arguments={"intent_id": mcp_intent, "status": "COMPLETED", "result": {"n": 1}},
    )
    check(done["data"]["intent"]["status"] == "COMPLETED", f"mcp resolve: {done}")
    got = admin.mcp_call_tool("axme.get_intent", arguments={"intent_id": mcp_intent})
    check(got["data"]["intent"]["result"] == {"n": 1}, f"mcp get_intent: {got}")
    check(admin.get_intent(mcp_intent)["intent"]["status"] == "COMPLETED", "the same over HTTP")
    try:
        admin.mcp_call_tool("axme.send", arguments={}, validate_input_schema=False)
        raise AssertionError("an mcp call without to_agent was accepted")
    except AxmeValidationError as exc:
        check(exc.status_code == 422, f"mcp invalid params status {exc.status_code}")
    try:
        agent.mcp_call_tool("axme.list_inbox", owner_agent="agent://local/default/someone-else")
        raise AssertionError("an mcp call for another agent's inbox was accepted")
    except AxmeAuthError as exc:
        check(exc.status_code == 403, f"mcp owner mismatch status {exc.status_code}")
    anonymous = AxmeClient(AxmeClientConfig(base_url=base_url, api_key="axme_sa_unknown"))
    try:
        anonymous.mcp_initialize()
        raise AssertionError("mcp with an unknown key was accepted")
    except AxmeAuthError as exc:
        check(exc.status_code == 403, f"mcp with an unknown key: status {exc.status_code}")
    anonymous.close()
    step("mcp_initialize, mcp_list_tools, mcp_call_tool (send, resolve, get) and their errors")

    # The nick registry (spec §9.6): register, check, rename, profile, update.
    nick = "sdk" + uuid.uuid4().hex[:8]
    made_nick = agent.register_nick({"nick": "@" + nick.upper(), "display_name": "SDK agent"})
    check(made_nick["owner_agent"] == agent_address and made_nick["public_address"] == nick + "@ax",
          f"register_nick: {made_nick}")
    check(admin.check_nick(nick)["available"] is False, "a registered nick is taken")
    check(admin.check_nick(nick + "x")["available"] is True, "a free nick is available")
    try:
        admin.register_nick({"nick": nick})
        raise AssertionError("a taken nick was registered again")
    except AxmeValidationError as exc:
        check(exc.status_code == 409, f"taken nick status {exc.status_code}")
    renamed = agent.rename_nick({"owner_agent": agent_address, "nick": nick + "2"})
    check(renamed["nick"] == "@" + nick + "2" and renamed["renamed_at"], f"rename_nick: {renamed}")
    updated = agent.update_user_profile({"owner_agent": agent_address, "email": "sdk@example.com"})
    check(updated["email"] == "sdk@example.com", f"update_user_profile: {updated}")
    profile = admin.get_user_profile(agent_address)
    check(profile["normalized_nick"] == nick + "2" and profile["display_name"] == "SDK agent"
          and profile["user_id"] == made_nick["user_id"], f"get_user_profile: {profile}")
    step("users: register_nick, check_nick, rename_nick, update_user_profile, get_user_profile")

    # Semantic schemas (spec §9.6): upsert, read back, the hash of the canonical JSON.
    semantic_type = "sdk.report.generated.v" + str(uuid.uuid4().int % 1000)
    schema_json = {"type": "object", "required": ["title"], "properties": {"title": {"type": "string"}}}
    upserted = admin.upsert_schema({"semantic_type": semantic_type, "schema_json": schema_json,
                                    "compatibility_mode": "backward"})["schema"]
    canonical = json.dumps(schema_json, sort_keys=True, separators=(",", ":"))
    check(upserted["schema_hash"] == hashlib.sha256(canonical.encode()).hexdigest(), f"{upserted}")
    fetched = agent.get_schema(semantic_type)["schema"]
    check(fetched["schema_json"] == schema_json and fetched["scope"] == "tenant", f"{fetched}")
    try:
        agent.upsert_schema({"semantic_type": semantic_type, "schema_json": schema_json,
                             "compatibility_mode": "warn"})
        raise AssertionError("a non-admin key registered a schema")
    except AxmeAuthError as exc:
        check(exc.status_code == 403, f"non-admin upsert status {exc.status_code}")
    step("schemas: upsert_schema, get_schema")

    # Invites (spec §9.6): create, read and accept without a key; the new key works.
    invite = admin.create_invite({"owner_agent": "agent://local/default/admin",
                                  "recipient_hint": "sdk@example.com", "ttl_seconds": 3600})
    token = invite["token"]
    check(invite["status"] == "pending" and invite["invite_url"].endswith(token), f"{invite}")
    check(agent.get_invite(token)["recipient_hint"] == "sdk@example.com", "get_invite")
    invitee_nick = "inv" + uuid.uuid4().hex[:8]
    accepted = agent.accept_invite(token, {"nick": invitee_nick, "display_name": "Invitee"})
    check(accepted["status"] == "accepted" and accepted["public_address"] == invitee_nick + "@ax",
          f"accept_invite: {accepted}")
    invitee = AxmeClient(AxmeClientConfig(base_url=base_url, api_key=accepted["api_key"]))
    check(invitee.get_user_profile(accepted["owner_agent"])["nick"] == "@" + invitee_nick,
          "the invitee's key works")
    invitee.close()
    try:
        agent.accept_invite(token, {"nick": invitee_nick + "x"})
        raise AssertionError("an invite was accepted twice")
    except AxmeValidationError as exc:
        check(exc.status_code == 409, f"second accept status {exc.status_code}")
    check(admin.get_invite(token)["status"] == "accepted", "get_invite after accept")
    step("invites: create_invite, get_invite, accept_invite")

    # Media (spec §9.6): create, PUT the bytes to upload_url, finalize, read, download.
    import urllib.request
    data = bytes(range(256)) * 40
    digest = hashlib.sha256(data).hexdigest()
    made = agent.create_media_upload({"owner_agent": agent_address, "filename": "sdk.bin",
                                      "mime_type": "application/octet-stream",
                                      "size_bytes": len(data), "sha256": digest})
    check(made["status"] == "pending" and made["upload_url"].endswith("/content"), f"{made}")
    put_request = urllib.request.Request(made["upload_url"], data=data, method="PUT",
                                         headers={"x-api-key": agent_key})
    with urllib.request.urlopen(put_request) as answer:
        check(json.loads(answer.read())["sha256"] == digest, "PUT answer")
    done = agent.finalize_media_upload({"upload_id": made["upload_id"], "size_bytes": len(data),
                                        "sha256": digest})
    check(done["status"] == "ready" and done["sha256"] == digest, f"finalize: {done}")
    shown = admin.get_media_upload(made["upload_id"])["upload"]
    check(shown["status"] == "ready" and shown["size_bytes"] == len(data), f"get: {shown}")
    get_request = urllib.request.Request(shown["download_url"], headers={"x-api-key": admin_key})
    with urllib.request.urlopen(get_request) as answer:
        check(answer.read() == data, "the downloaded bytes are the uploaded ones")
    step("media: create_media_upload, PUT, finalize_media_upload, get_media_upload, download")

    admin.close()
    agent.close()
    print("SDK SCENARIO OK", flush=True)


if __name__ == "__main__":
    try:
        run()
    except Exception:
        traceback.print_exc()
        sys.exit(1)
