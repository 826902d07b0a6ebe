// The sign-in page: an API key, or the gateway's email code. On success the gateway sets
// the console's session cookie and the browser goes to the console.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  let loginId = null;

  function fail(message) {
    $("error").textContent = message;
  }

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    let data = {};
    try { data = await response.json(); } catch (_) { /* an empty or non-JSON body */ }
    if (!response.ok) {
      const error = (data && data.error) || {};
      throw new Error(error.message || ("HTTP " + response.status));
    }
    return data;
  }

  async function signIn(body) {
    fail("");
    try {
      await post("/ui/session", body);
      window.location.assign("/ui/");
    } catch (e) {
      fail(e.message);
    }
  }

  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    signIn({ api_key: $("api-key").value.trim() });
  });

  $("email-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    fail("");
    try {
      const answer = await post("/v1/auth/login-intent", { email: $("email").value.trim() });
      loginId = answer.intent_id;
      $("code-hint").textContent = answer.delivery === "email"
        ? "A code was mailed to you."
        : "The code was written to the gateway's log.";
      $("code-form").hidden = false;
      $("code").focus();
    } catch (e) {
      fail(e.message);
    }
  });

  $("code-form").addEventListener("submit", (event) => {
    event.preventDefault();
    signIn({ login_id: loginId, code: $("code").value.trim() });
  });
})();
