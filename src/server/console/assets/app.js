// The axme console (signed in). Pages are routes after '#'; every API call goes through
// /ui/api/v1/… as the session's key, with the CSRF token on changes.
"use strict";

const Console = (function () {
  let session = null;

  async function api(method, path, body) {
    const headers = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (method !== "GET" && session) headers["x-csrf-token"] = session.csrf_token;
    const response = await fetch("/ui/api" + path, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401) {
      window.location.assign("/ui/sign-in");
      throw new Error("signed out");
    }
    let data = {};
    try { data = await response.json(); } catch (_) { /* not JSON */ }
    if (!response.ok) {
      const error = new Error((data.error && data.error.message) || ("HTTP " + response.status));
      error.body = data;
      throw error;
    }
    return data;
  }

  async function signOut() {
    await fetch("/ui/sign-out", {
      method: "POST", credentials: "same-origin",
      headers: { "x-csrf-token": session ? session.csrf_token : "" },
    });
    window.location.assign("/ui/sign-in");
  }

  async function start() {
    const response = await fetch("/ui/session", { credentials: "same-origin" });
    if (!response.ok) { window.location.assign("/ui/sign-in"); return; }
    session = await response.json();
    const p = session.principal;
    document.getElementById("who").textContent = p.address + " (" + p.role + ")";
    document.getElementById("sign-out").addEventListener("click", signOut);
  }

  return { api, start, session: () => session };
})();

document.addEventListener("DOMContentLoaded", () => { Console.start(); });
