import type { MessageCatalog } from './en.js';

/** Español neutro (tuteo, como es habitual en aplicaciones de consumo). */
export const es: MessageCatalog = {
  'common.continue': 'Continuar',
  'common.optional': '(opcional)',
  'common.required': '(obligatorio)',
  'common.forgotPassword': '¿Olvidaste tu contraseña?',
  'common.backToSignIn': 'Volver a iniciar sesión',
  'common.allow': 'Permitir',
  'common.deny': 'Denegar',
  'common.closeWindow': 'Ya puedes cerrar esta ventana.',
  'common.emailOrUsername': 'Correo electrónico o nombre de usuario',
  'common.password': 'Contraseña',
  'layout.logoAlt': 'Logotipo',

  'identifier.title': 'Iniciar sesión',
  'identifier.submit': 'Continuar',
  'identifier.noAccount': '¿Eres nuevo?',
  'identifier.createAccount': 'Crear cuenta',
  'identifier.orDivider': 'o',
  'identifier.passkey': 'Iniciar sesión con una llave de acceso',

  'password.title': 'Introduce tu contraseña',
  'password.notYou': '¿No eres tú?',
  'password.useAnotherAccount': 'Usar otra cuenta',
  'password.submit': 'Iniciar sesión',

  'registration.title': 'Crea tu cuenta',
  'registration.email': 'Correo electrónico',
  'registration.passwordHint': 'Usa al menos {minLength} caracteres.',
  'registration.givenName': 'Nombre',
  'registration.familyName': 'Apellidos',
  'registration.agreements': 'Consentimientos',
  'registration.readDocument': 'Leer el documento',
  'registration.submit': 'Crear cuenta',
  'registration.haveAccount': '¿Ya tienes una cuenta?',
  'registration.signIn': 'Iniciar sesión',

  'registrationSent.title': 'Revisa tu bandeja de entrada',
  'registrationSent.bodyWithEmail':
    'Hemos enviado un correo electrónico a {email}. Sigue el enlace que contiene para continuar.',
  'registrationSent.body':
    'Te hemos enviado un correo electrónico. Sigue el enlace que contiene para continuar.',
  'registrationSent.hint':
    '¿No lo has recibido? Revisa tu carpeta de correo no deseado o vuelve a intentarlo en unos minutos.',

  'consent.title': '¿Permitir el acceso?',
  'consent.heading': '{client} quiere acceder a tu cuenta',
  'consent.signedInAs': 'Sesión iniciada como {identifier}',
  'consent.scopesIntro': '{client} podrá:',
  'consent.scope.openid': 'Confirmar tu identidad',
  'consent.scope.profile': 'Ver tu nombre y la información básica de tu perfil',
  'consent.scope.email': 'Ver tu dirección de correo electrónico',
  'consent.scope.phone': 'Ver tu número de teléfono',
  'consent.scope.address': 'Ver tu dirección postal',
  'consent.scope.offline_access': 'Mantener el acceso aunque no estés usando la aplicación',
  'consent.otherScope': 'Otro permiso:',

  'logout.title': '¿Cerrar sesión?',
  'logout.questionWithClient': '¿Quieres cerrar la sesión en {client}?',
  'logout.question': '¿Quieres cerrar la sesión?',
  'logout.signOut': 'Cerrar sesión',
  'logout.staySignedIn': 'Mantener la sesión',
  'loggedOut.title': 'Has cerrado la sesión',
  'loggedOut.bodyWithClient': 'Has cerrado la sesión en {client}.',
  'loggedOut.body': 'Has cerrado la sesión.',

  'device.title': 'Conectar un dispositivo',
  'device.instructions': 'Introduce el código que aparece en tu dispositivo.',
  'device.codeLabel': 'Código del dispositivo',
  'device.submit': 'Continuar',
  'deviceConfirm.title': '¿Conectar este dispositivo?',
  'deviceConfirm.heading': '{client} quiere iniciar sesión en un dispositivo',
  'deviceConfirm.compare': 'Comprueba que este código coincide con el que aparece en tu dispositivo:',
  'deviceConfirm.warning': 'Si no has iniciado tú esta solicitud o los códigos no coinciden, deniégala.',
  'deviceDone.allowedTitle': 'Dispositivo conectado',
  'deviceDone.allowedBodyWithClient': 'Ya has iniciado sesión en {client} en tu dispositivo.',
  'deviceDone.allowedBody': 'Ya has iniciado sesión en tu dispositivo.',
  'deviceDone.deniedTitle': 'Solicitud denegada',
  'deviceDone.deniedBody': 'El dispositivo no se ha conectado a tu cuenta.',

  'errorPage.title': 'Algo ha salido mal',
  'errorPage.requestId': 'ID de la solicitud',
  'errorPage.errorCode': 'Código de error',

  'error.generic': 'No hemos podido completar tu solicitud. Inténtalo de nuevo.',
  'error.invalidCredentials': 'El correo electrónico, el nombre de usuario o la contraseña no son correctos.',
  'error.identifierRequired': 'Introduce tu correo electrónico o tu nombre de usuario.',
  'error.passkeyFailed':
    'No se ha podido iniciar sesión con la llave de acceso. Inténtalo de nuevo o usa otro método.',
  'error.emailInvalid': 'Introduce una dirección de correo electrónico válida.',
  'error.passwordTooShort': 'Esta contraseña es demasiado corta.',
  'error.passwordTooCommon': 'Esta contraseña es demasiado común. Elige otra.',
  'error.consentRequired': 'Acepta los consentimientos obligatorios para continuar.',
  'error.formExpired': 'Esta página ha caducado. Inténtalo de nuevo.',
  'error.deviceCodeInvalid': 'El código no es correcto o ha caducado. Compruébalo e inténtalo de nuevo.',
  'error.deviceRequestAborted': 'Se ha cancelado la solicitud de inicio de sesión.',
  'error.sessionExpired':
    'El inicio de sesión ha tardado demasiado y ha caducado. Vuelve a empezar desde la aplicación.',
  'error.invalidRequest':
    'La aplicación ha enviado una solicitud de inicio de sesión no válida. Ponte en contacto con su servicio de asistencia.',
  'error.invalidRedirectUri':
    'La aplicación ha pedido volver a una dirección que no tiene registrada, así que nos hemos detenido aquí. Ponte en contacto con su servicio de asistencia.',
  'error.invalidClient': 'Esta aplicación no se conoce o no tiene permiso para iniciar sesión aquí.',
  'error.accessDenied': 'Se ha denegado el acceso.',
  'error.notFound': 'Esta página no existe.',
  'error.serverError': 'Algo ha fallado por nuestra parte. Inténtalo de nuevo más tarde.',
};
