import type { MessageCatalog } from './en.js';

/** Français (vouvoiement ; espace insécable avant « : ? ! »). */
export const fr: MessageCatalog = {
  'common.continue': 'Continuer',
  'common.optional': '(facultatif)',
  'common.required': '(obligatoire)',
  'common.forgotPassword': 'Mot de passe oublié\u00a0?',
  'common.backToSignIn': 'Retour à la connexion',
  'common.allow': 'Autoriser',
  'common.deny': 'Refuser',
  'common.closeWindow': 'Vous pouvez maintenant fermer cette fenêtre.',
  'common.emailOrUsername': 'Adresse e-mail ou nom d’utilisateur',
  'common.password': 'Mot de passe',
  'layout.logoAlt': 'Logo',

  'identifier.title': 'Connexion',
  'identifier.submit': 'Continuer',
  'identifier.noAccount': 'Nouveau ici\u00a0?',
  'identifier.createAccount': 'Créer un compte',
  'identifier.orDivider': 'ou',
  'identifier.passkey': 'Se connecter avec une clé d’accès',

  'password.title': 'Saisissez votre mot de passe',
  'password.notYou': 'Ce n’est pas vous\u00a0?',
  'password.useAnotherAccount': 'Utiliser un autre compte',
  'password.submit': 'Se connecter',

  'registration.title': 'Créez votre compte',
  'registration.email': 'Adresse e-mail',
  'registration.passwordHint': 'Utilisez au moins {minLength} caractères.',
  'registration.givenName': 'Prénom',
  'registration.familyName': 'Nom',
  'registration.agreements': 'Consentements',
  'registration.readDocument': 'Lire le document',
  'registration.submit': 'Créer un compte',
  'registration.haveAccount': 'Vous avez déjà un compte\u00a0?',
  'registration.signIn': 'Se connecter',

  'registrationSent.title': 'Consultez votre boîte de réception',
  'registrationSent.bodyWithEmail':
    'Nous avons envoyé un e-mail à {email}. Suivez le lien qu’il contient pour continuer.',
  'registrationSent.body': 'Nous vous avons envoyé un e-mail. Suivez le lien qu’il contient pour continuer.',
  'registrationSent.hint':
    'Pas d’e-mail\u00a0? Vérifiez votre dossier de courrier indésirable ou réessayez dans quelques minutes.',

  'consent.title': 'Autoriser l’accès\u00a0?',
  'consent.heading': '{client} souhaite accéder à votre compte',
  'consent.signedInAs': 'Connecté en tant que {identifier}',
  'consent.scopesIntro': '{client} pourra\u00a0:',
  'consent.scope.openid': 'Confirmer votre identité',
  'consent.scope.profile': 'Voir votre nom et les informations de base de votre profil',
  'consent.scope.email': 'Voir votre adresse e-mail',
  'consent.scope.phone': 'Voir votre numéro de téléphone',
  'consent.scope.address': 'Voir votre adresse postale',
  'consent.scope.offline_access': 'Conserver l’accès lorsque vous n’utilisez pas l’application',
  'consent.otherScope': 'Autre autorisation\u00a0:',

  'logout.title': 'Se déconnecter\u00a0?',
  'logout.questionWithClient': 'Voulez-vous vous déconnecter de {client}\u00a0?',
  'logout.question': 'Voulez-vous vous déconnecter\u00a0?',
  'logout.signOut': 'Se déconnecter',
  'logout.staySignedIn': 'Rester connecté',
  'loggedOut.title': 'Vous êtes déconnecté',
  'loggedOut.bodyWithClient': 'Vous vous êtes déconnecté de {client}.',
  'loggedOut.body': 'Vous vous êtes déconnecté.',

  'device.title': 'Connecter un appareil',
  'device.instructions': 'Saisissez le code affiché sur votre appareil.',
  'device.codeLabel': 'Code de l’appareil',
  'device.submit': 'Continuer',
  'deviceConfirm.title': 'Connecter cet appareil\u00a0?',
  'deviceConfirm.heading': '{client} souhaite se connecter sur un appareil',
  'deviceConfirm.compare': 'Vérifiez que ce code correspond à celui affiché sur votre appareil\u00a0:',
  'deviceConfirm.warning':
    'Si vous n’êtes pas à l’origine de cette demande ou si les codes ne correspondent pas, refusez-la.',
  'deviceDone.allowedTitle': 'Appareil connecté',
  'deviceDone.allowedBodyWithClient': 'Vous êtes maintenant connecté à {client} sur votre appareil.',
  'deviceDone.allowedBody': 'Vous êtes maintenant connecté sur votre appareil.',
  'deviceDone.deniedTitle': 'Demande refusée',
  'deviceDone.deniedBody': 'L’appareil n’a pas été associé à votre compte.',

  'errorPage.title': 'Une erreur s’est produite',
  'errorPage.requestId': 'Identifiant de la requête',
  'errorPage.errorCode': 'Code d’erreur',

  'error.generic': 'Nous n’avons pas pu traiter votre demande. Veuillez réessayer.',
  'error.invalidCredentials': 'L’adresse e-mail, le nom d’utilisateur ou le mot de passe est incorrect.',
  'error.identifierRequired': 'Saisissez votre adresse e-mail ou votre nom d’utilisateur.',
  'error.passkeyFailed':
    'La connexion avec une clé d’accès a échoué. Réessayez ou choisissez une autre méthode.',
  'error.emailInvalid': 'Saisissez une adresse e-mail valide.',
  'error.passwordTooShort': 'Ce mot de passe est trop court.',
  'error.passwordTooCommon': 'Ce mot de passe est trop courant. Choisissez-en un autre.',
  'error.consentRequired': 'Acceptez les consentements obligatoires pour continuer.',
  'error.formExpired': 'Cette page a expiré. Veuillez réessayer.',
  'error.deviceCodeInvalid': 'Ce code est incorrect ou a expiré. Vérifiez-le et réessayez.',
  'error.deviceRequestAborted': 'La demande de connexion a été annulée.',
  'error.sessionExpired':
    'La connexion a pris trop de temps et a expiré. Veuillez recommencer depuis l’application.',
  'error.invalidRequest':
    'L’application a envoyé une demande de connexion non valide. Veuillez contacter son assistance.',
  'error.invalidRedirectUri':
    'L’application a demandé à revenir vers une adresse qu’elle n’a pas enregistrée\u00a0: nous nous sommes donc arrêtés ici. Veuillez contacter son assistance.',
  'error.invalidClient': 'Cette application est inconnue ou n’est pas autorisée à se connecter ici.',
  'error.accessDenied': 'L’accès a été refusé.',
  'error.notFound': 'Cette page n’existe pas.',
  'error.serverError': 'Un problème est survenu de notre côté. Veuillez réessayer plus tard.',
};
