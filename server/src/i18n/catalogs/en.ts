/**
 * English messages: the reference catalog. Every other catalog has exactly these keys and, in each
 * message, exactly the same `{placeholders}` (checked by server/test/i18n). Keys under `error.` are
 * the messages a page model may name as its `error`; they take no placeholders.
 */
export const en = {
  'common.continue': 'Continue',
  'common.optional': '(optional)',
  'common.required': '(required)',
  'common.forgotPassword': 'Forgot password?',
  'common.backToSignIn': 'Back to sign in',
  'common.allow': 'Allow',
  'common.deny': 'Deny',
  'common.closeWindow': 'You can close this window now.',
  'common.emailOrUsername': 'Email or username',
  'common.password': 'Password',
  'layout.logoAlt': 'Logo',

  'identifier.title': 'Sign in',
  'identifier.submit': 'Continue',
  'identifier.noAccount': 'New here?',
  'identifier.createAccount': 'Create account',
  'identifier.orDivider': 'or',
  'identifier.passkey': 'Sign in with a passkey',

  'password.title': 'Enter your password',
  'password.notYou': 'Not you?',
  'password.useAnotherAccount': 'Use another account',
  'password.submit': 'Sign in',

  'registration.title': 'Create your account',
  'registration.email': 'Email',
  'registration.passwordHint': 'Use at least {minLength} characters.',
  'registration.givenName': 'First name',
  'registration.familyName': 'Last name',
  'registration.agreements': 'Agreements',
  'registration.readDocument': 'Read the document',
  'registration.submit': 'Create account',
  'registration.haveAccount': 'Already have an account?',
  'registration.signIn': 'Sign in',

  'registrationSent.title': 'Check your inbox',
  'registrationSent.bodyWithEmail': 'We have sent an email to {email}. Follow the link in it to continue.',
  'registrationSent.body': 'We have sent you an email. Follow the link in it to continue.',
  'registrationSent.hint': 'No email? Check your spam folder or try again in a few minutes.',

  'consent.title': 'Allow access?',
  'consent.heading': '{client} wants to access your account',
  'consent.signedInAs': 'Signed in as {identifier}',
  'consent.scopesIntro': 'This will allow {client} to:',
  'consent.scope.openid': 'Confirm who you are',
  'consent.scope.profile': 'See your name and basic profile information',
  'consent.scope.email': 'See your email address',
  'consent.scope.phone': 'See your phone number',
  'consent.scope.address': 'See your postal address',
  'consent.scope.offline_access': 'Keep access while you are not using the app',
  'consent.otherScope': 'Other permission:',

  'logout.title': 'Sign out?',
  'logout.questionWithClient': 'Do you want to sign out of {client}?',
  'logout.question': 'Do you want to sign out?',
  'logout.signOut': 'Sign out',
  'logout.staySignedIn': 'Stay signed in',
  'loggedOut.title': 'You are signed out',
  'loggedOut.bodyWithClient': 'You have signed out of {client}.',
  'loggedOut.body': 'You have signed out.',

  'device.title': 'Connect a device',
  'device.instructions': 'Enter the code shown on your device.',
  'device.codeLabel': 'Device code',
  'device.submit': 'Continue',
  'deviceConfirm.title': 'Connect this device?',
  'deviceConfirm.heading': '{client} wants to sign in on a device',
  'deviceConfirm.compare': 'Check that this code matches the one shown on your device:',
  'deviceConfirm.warning': 'If you did not start this, or the codes do not match, deny the request.',
  'deviceDone.allowedTitle': 'Device connected',
  'deviceDone.allowedBodyWithClient': 'You are now signed in to {client} on your device.',
  'deviceDone.allowedBody': 'You are now signed in on your device.',
  'deviceDone.deniedTitle': 'Request denied',
  'deviceDone.deniedBody': 'The device has not been connected to your account.',

  'errorPage.title': 'Something went wrong',
  'errorPage.requestId': 'Request ID',
  'errorPage.errorCode': 'Error code',

  'error.generic': 'We could not complete your request. Please try again.',
  'error.invalidCredentials': 'The email, username or password is incorrect.',
  'error.identifierRequired': 'Enter your email or username.',
  'error.passkeyFailed': 'Signing in with a passkey did not work. Try again or use another method.',
  'error.emailInvalid': 'Enter a valid email address.',
  'error.passwordTooShort': 'This password is too short.',
  'error.passwordTooCommon': 'This password is too common. Choose a different one.',
  'error.consentRequired': 'Accept the required agreements to continue.',
  'error.formExpired': 'This page has expired. Please try again.',
  'error.deviceCodeInvalid': 'This code is incorrect or has expired. Check it and try again.',
  'error.deviceRequestAborted': 'The sign-in request was cancelled.',
  'error.sessionExpired': 'Your sign-in took too long and has expired. Please start again from the app.',
  'error.invalidRequest': 'The app sent an invalid sign-in request. Please contact the app’s support.',
  'error.invalidRedirectUri':
    'The app asked to return to an address it has not registered, so we stopped here. Please contact the app’s support.',
  'error.invalidClient': 'This app is unknown or not allowed to sign in here.',
  'error.accessDenied': 'Access was denied.',
  'error.notFound': 'This page does not exist.',
  'error.serverError': 'Something went wrong on our side. Please try again later.',
} as const;

export type MessageKey = keyof typeof en;

/** The messages a page model may show in its `role="alert"` element. */
export type ErrorMessageKey = Extract<MessageKey, `error.${string}`>;

/** Every catalog maps exactly the English keys to strings (missing or extra keys fail to compile). */
export type MessageCatalog = Readonly<Record<MessageKey, string>>;
