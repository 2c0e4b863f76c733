/*
 * Portico's passkey ceremonies (WebAuthn) on the hosted pages, served at /t/T/assets/passkeys.js with
 * the page's CSP nonce. It drives the elements marked `data-passkey`:
 *   second-factor, passwordless  a button: an authentication ceremony;
 *   register                     a button: a registration ceremony;
 *   conditional                  the identifier input: conditional mediation (passkey autofill) on load.
 * On the identifier page it also marks a device with a built-in authenticator (see below).
 * Each element names `data-options` (POST → `{ options }`) and `data-verify` (POST the credential →
 * `{ redirect }`); any answer may be `{ error }` (shown in the page's role="alert") or `{ redirect }`
 * (followed: e.g. to sign in again). Every POST is JSON carrying the page's CSRF token (`_csrf`).
 * `data-failed` is the translated text shown when the browser's own ceremony fails or is cancelled.
 *
 * The WebAuthn JSON conversions use the browser's own `PublicKeyCredential.parse…FromJSON` and
 * `toJSON` where present, else the few base64url conversions below (what @simplewebauthn/browser does).
 */
(() => {
  if (typeof window.PublicKeyCredential !== 'function') return;

  const toBytes = (base64url) => {
    const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  };
  const toBase64url = (buffer) => {
    let binary = '';
    for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };
  const withIds = (descriptors) => (descriptors || []).map((d) => ({ ...d, id: toBytes(d.id) }));

  function creationOptions(json) {
    if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function') {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    return {
      ...json,
      challenge: toBytes(json.challenge),
      user: { ...json.user, id: toBytes(json.user.id) },
      excludeCredentials: withIds(json.excludeCredentials),
    };
  }

  function requestOptions(json) {
    if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function') {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return { ...json, challenge: toBytes(json.challenge), allowCredentials: withIds(json.allowCredentials) };
  }

  function credentialJson(credential) {
    if (typeof credential.toJSON === 'function') return credential.toJSON();
    const r = credential.response;
    const response = { clientDataJSON: toBase64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toBase64url(r.attestationObject);
      response.transports = typeof r.getTransports === 'function' ? r.getTransports() : [];
    } else {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      if (r.userHandle) response.userHandle = toBase64url(r.userHandle);
    }
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
    };
  }

  /** The CSRF token: the element's own form, else `data-csrf`, else any form of the page. */
  function csrfOf(element) {
    const own = element.form?.elements.namedItem('_csrf');
    if (own) return own.value;
    if (element.dataset.csrf) return element.dataset.csrf;
    const any = document.querySelector('input[name="_csrf"]');
    return any ? any.value : '';
  }

  /** Text fields of the element's form besides the token (e.g. the name of a new passkey). */
  function fieldsOf(element) {
    const fields = {};
    if (!element.form) return fields;
    for (const input of element.form.querySelectorAll('input[name]')) {
      if (input.name !== '_csrf' && input.type !== 'hidden') fields[input.name] = input.value;
    }
    return fields;
  }

  async function post(url, element, body) {
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ _csrf: csrfOf(element), ...fieldsOf(element), ...body }),
    });
    const answer = await response.json().catch(() => null);
    return answer && typeof answer === 'object' ? answer : { error: element.dataset.failed || '' };
  }

  function showAlert(message) {
    if (!message) return;
    let alert = document.querySelector('[role="alert"]');
    if (!alert) {
      alert = document.createElement('div');
      alert.className = 'portico-alert';
      alert.setAttribute('role', 'alert');
      alert.id = 'portico-alert';
      const heading = document.querySelector('main h1');
      if (heading) heading.after(alert);
      else document.querySelector('main')?.prepend(alert);
    }
    alert.textContent = message;
  }

  /** Follows `{ redirect }`, shows `{ error }`; true when the answer carried neither. */
  function handled(answer) {
    if (typeof answer.redirect === 'string') {
      window.location.assign(answer.redirect);
      return true;
    }
    if (typeof answer.error === 'string') {
      showAlert(answer.error);
      return true;
    }
    return false;
  }

  /** Only one WebAuthn request may run: a button click cancels the pending autofill request. */
  let conditional = null;

  async function ceremony(element, mediation) {
    const options = await post(element.dataset.options, element, {});
    if (handled(options) || !options.options) return;
    const registering = element.dataset.passkey === 'register';
    let credential;
    try {
      if (registering) {
        credential = await navigator.credentials.create({ publicKey: creationOptions(options.options) });
      } else {
        const request = { publicKey: requestOptions(options.options) };
        if (mediation) {
          conditional = new AbortController();
          request.mediation = mediation;
          request.signal = conditional.signal;
        }
        credential = await navigator.credentials.get(request);
      }
    } catch (error) {
      if (error && error.name === 'AbortError') return;
      showAlert(element.dataset.failed);
      return;
    } finally {
      if (mediation) conditional = null;
    }
    if (!credential) return;
    const result = await post(element.dataset.verify, element, { response: credentialJson(credential) });
    if (!handled(result)) showAlert(element.dataset.failed);
  }

  function onClick(element) {
    element.addEventListener('click', async (event) => {
      event.preventDefault();
      if (element.disabled) return;
      if (conditional) conditional.abort();
      element.disabled = true;
      try {
        await ceremony(element);
      } catch {
        showAlert(element.dataset.failed);
      } finally {
        element.disabled = false;
      }
    });
  }

  async function startConditional(input) {
    const available =
      typeof PublicKeyCredential.isConditionalMediationAvailable === 'function' &&
      (await PublicKeyCredential.isConditionalMediationAvailable());
    if (available) await ceremony(input, 'conditional');
  }

  /**
   * Tells the server this device has a built-in authenticator (`webauthn=platform` on the identifier
   * form): only then does a password login offer to add a passkey.
   */
  async function markPlatformAuthenticator() {
    const form = document.querySelector('input[name="identifier"]')?.form;
    if (!form || typeof PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable !== 'function')
      return;
    if (!(await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable())) return;
    const field = document.createElement('input');
    field.type = 'hidden';
    field.name = 'webauthn';
    field.value = 'platform';
    form.append(field);
  }

  function init() {
    markPlatformAuthenticator().catch(() => {});
    for (const element of document.querySelectorAll('[data-passkey]')) {
      if (element.dataset.passkey === 'conditional') {
        startConditional(element).catch(() => showAlert(element.dataset.failed));
      } else {
        onClick(element);
      }
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
