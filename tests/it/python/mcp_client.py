"""Drives a running `axme server`'s `/mcp` with the PyPI `mcp` client library, as an MCP
host does (Streamable HTTP transport), while an agent (the axme SDK's `listen`) completes
what it is sent.

Run by tests/it/server_python_sdk.rs (`mcp_client_library_drives_the_server`), which
starts the server, provisions the agent and passes AXME_TEST_* variables. Prints one line
per step; exits non-zero with a traceback on the first failed check.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import traceback

import httpx2
from axme_sdk import AxmeClient, AxmeClientConfig
from mcp import ClientSession, MCPError
from mcp.client.streamable_http import streamable_http_client


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def step(name: str) -> None:
    print(f"ok: {name}", flush=True)


def payload_of(result) -> dict:
    check(not result.is_error, f"tool error: {result}")
    check(result.content and result.content[0].type == "text", f"content: {result.content}")
    return json.loads(result.content[0].text)


async def drive(env) -> None:
    url = env["AXME_TEST_BASE_URL"].rstrip("/") + "/mcp"
    agent_address = env["AXME_TEST_AGENT_ADDRESS"]

    # The agent completes the first intent it is given.
    agent = AxmeClient(AxmeClientConfig(base_url=env["AXME_TEST_BASE_URL"],
                                        api_key=env["AXME_TEST_AGENT_KEY"]))
    failures: list[str] = []

    def agent_loop() -> None:
        try:
            for delivery in agent.listen(agent_address, wait_seconds=2, timeout_seconds=60):
                agent.resume_intent(delivery["intent_id"],
                                    {"action": "complete", "answer": "done by the agent"})
                return
        except BaseException as exc:  # reported by the main thread
            failures.append("".join(traceback.format_exception(exc)))

    listener = threading.Thread(target=agent_loop, daemon=True)
    listener.start()

    # The key goes in a header of the HTTP client the transport is given.
    http = httpx2.AsyncClient(headers={"x-api-key": env["AXME_TEST_ADMIN_KEY"]})
    async with http, streamable_http_client(url, http_client=http) as streams:
        read, write = streams[0], streams[1]
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            check(init.protocol_version == "2024-11-05", f"protocol version: {init}")
            check(init.server_info.name == "axme", f"server info: {init.server_info}")
            check(init.capabilities.tools is not None, f"capabilities: {init.capabilities}")
            step("initialize")

            await session.send_ping()
            step("ping")

            tools = (await session.list_tools()).tools
            names = {t.name for t in tools}
            for name in ("axme.send", "axme.get_intent", "axme.list_inbox", "axme.reply"):
                check(name in names, f"{name} not in {sorted(names)}")
            send = next(t for t in tools if t.name == "axme.send")
            check(send.input_schema.get("required") == ["to_agent"], f"schema: {send.input_schema}")
            step(f"list_tools ({len(tools)} tools)")

            check((await session.list_resources()).resources == [], "resources")
            check((await session.list_prompts()).prompts == [], "prompts")
            step("list_resources, list_prompts (empty)")

            sent = await session.call_tool(
                "axme.send",
                {"to_agent": agent_address, "intent_type": "mcp.test.v1",
                 "payload": {"question": "ready?"}},
            )
            data = payload_of(sent)
            intent_id = data["intent_id"]
            step(f"call_tool axme.send -> {intent_id}")

            status = None
            for _ in range(200):
                got = payload_of(await session.call_tool("axme.get_intent",
                                                         {"intent_id": intent_id}))
                status = got["intent"]["status"]
                if status in ("COMPLETED", "FAILED", "CANCELED", "TIMED_OUT"):
                    break
                await asyncio.sleep(0.1)
            check(status == "COMPLETED", f"the intent ended {status}: {got}")
            check(got["intent"]["result"] == {"answer": "done by the agent"}, f"result: {got}")
            types = [e["event_type"] for e in got["events"]]
            check(types[0] == "intent.created" and types[-1] == "intent.completed", f"{types}")
            step("the agent completed it; axme.get_intent shows COMPLETED with its events")

            inbox = payload_of(await session.call_tool("axme.list_inbox", {}))
            check(any(t["thread_id"] == intent_id for t in inbox["threads"]), f"inbox: {inbox}")
            step("the result is in the sender's inbox (axme.list_inbox)")

            try:
                await session.call_tool("axme.get_intent", {"intent_id": 5})
                raise AssertionError("a bad argument was accepted")
            except MCPError as exc:
                check(exc.error.code == -32602, f"error: {exc.error}")
                check(exc.error.data.get("field") == "intent_id", f"error: {exc.error}")
            step("a bad argument is a JSON-RPC error naming the field")

    listener.join(timeout=30)
    check(not failures, "agent thread failed:\n" + "\n".join(failures))
    agent.close()
    print("MCP CLIENT OK", flush=True)


if __name__ == "__main__":
    try:
        asyncio.run(drive(os.environ))
    except Exception:
        traceback.print_exc()
        sys.exit(1)
