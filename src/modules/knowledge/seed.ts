import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import type { KnowledgeAudience } from './tables.js';
import type { Random } from '../../platform/random.js';
import * as repo from './repository.js';

/**
 * Demo knowledge articles (public help and agent-only procedures), added by the demo seed. Idempotent: an article
 * whose slug exists is left as it is (an editor may have revised it).
 */

export interface DemoArticle {
  slug: string;
  audience: KnowledgeAudience;
  tags: string[];
  title_en: string;
  body_en: string;
  title_es: string;
  body_es: string;
}

export const DEMO_ARTICLES: readonly DemoArticle[] = [
  {
    slug: 'check-your-case-status',
    audience: 'public',
    tags: ['case-status', 'receipt-number'],
    title_en: 'How to check your case status',
    body_en: `You can check the status of your case online at any time, without calling us.

With an online account: sign in and open My cases. Each case card shows its current status, the case history and, for cases filed online or linked with an Online Access Code, your notices.

Without an account: go to Case Status Online and enter your receipt number. The receipt number has three letters and ten digits, for example IOE0912345678 or EAC2190000049. You can type it with or without dashes and spaces. It is printed on your receipt notice.

You can also ask to be notified by email or text message each time the status of your case changes.

If your case is outside normal processing time, you may contact us about it.`,
    title_es: 'Cómo consultar el estado de su caso',
    body_es: `Puede consultar el estado de su caso en línea en cualquier momento, sin llamarnos.

Con una cuenta en línea: inicie sesión y abra Mis casos. La tarjeta de cada caso muestra su estado actual, el historial del caso y, para los casos presentados en línea o vinculados con un Código de Acceso en Línea, sus notificaciones.

Sin cuenta: vaya a Estado de Casos en Línea e ingrese su número de recibo. El número de recibo tiene tres letras y diez dígitos, por ejemplo IOE0912345678 o EAC2190000049. Puede escribirlo con o sin guiones y espacios. Aparece en su notificación de recibo.

También puede pedir que le avisemos por correo electrónico o mensaje de texto cada vez que cambie el estado de su caso.

Si su caso está fuera del tiempo normal de procesamiento, puede comunicarse con nosotros al respecto.`,
  },
  {
    slug: 'add-a-paper-case-with-an-online-access-code',
    audience: 'public',
    tags: ['online-access-code', 'paper-case', 'online-account'],
    title_en: 'How to add a paper-filed case to your account with an Online Access Code',
    body_en: `If you filed on paper and your receipt number starts with IOE, we mail you an account acceptance notice with an Online Access Code. Once you add the case to your online account, you can see its status and history, read notices, upload evidence and respond to a Request for Evidence.

1. Sign in to your account and open My cases.
2. Choose Add a case.
3. Under With an Online Access Code, enter the code exactly as printed on the notice. It has 14 letters and numbers, like ABCDE-1234-ABC12.
4. Enter the date of birth as on your form, and choose Add case.

The code is valid for 90 days from the date of the notice. If it has expired, the page offers to send you a new one.

If your receipt number does not start with IOE, you can still add the case by its receipt number to follow its status and history.`,
    title_es: 'Cómo agregar a su cuenta un caso presentado en papel con un Código de Acceso en Línea',
    body_es: `Si presentó en papel y su número de recibo empieza con IOE, le enviamos por correo un aviso de aceptación de cuenta con un Código de Acceso en Línea. Después de agregar el caso a su cuenta en línea, puede ver su estado y su historial, leer notificaciones, subir evidencia y responder a una Solicitud de Evidencia.

1. Inicie sesión en su cuenta y abra Mis casos.
2. Elija Agregar un caso.
3. En Con un Código de Acceso en Línea, ingrese el código tal como aparece en el aviso. Tiene 14 letras y números, como ABCDE-1234-ABC12.
4. Ingrese la fecha de nacimiento como aparece en su formulario y elija Agregar el caso.

El código es válido por 90 días desde la fecha del aviso. Si ya venció, la página le ofrece enviarle uno nuevo.

Si su número de recibo no empieza con IOE, igual puede agregar el caso por su número de recibo para seguir su estado e historial.`,
  },
  {
    slug: 'what-is-a-request-for-evidence',
    audience: 'public',
    tags: ['rfe', 'evidence'],
    title_en: 'What a Request for Evidence (RFE) is and how to respond',
    body_en: `A Request for Evidence (RFE) is a notice asking you for more documents or information before we can decide your case. It does not mean your case was denied.

The notice lists what is missing and the date by which we must receive your response. Read it carefully and send everything it asks for in one response.

If your case is in your online account, open the case, choose Respond to a Request for Evidence and upload your documents. Otherwise, mail your response with the notice on top to the address printed on it.

If we do not receive a response by the deadline, we decide the case with the evidence we have.`,
    title_es: 'Qué es una Solicitud de Evidencia (RFE) y cómo responder',
    body_es: `Una Solicitud de Evidencia (RFE, por sus siglas en inglés) es una notificación que le pide más documentos o información antes de que podamos decidir su caso. No significa que su caso fue negado.

La notificación indica lo que falta y la fecha límite en que debemos recibir su respuesta. Léala con atención y envíe todo lo que pide en una sola respuesta.

Si su caso está en su cuenta en línea, abra el caso, elija Responder a una Solicitud de Evidencia y suba sus documentos. Si no, envíe su respuesta por correo, con la notificación encima, a la dirección que aparece en ella.

Si no recibimos una respuesta antes de la fecha límite, decidimos el caso con la evidencia que tenemos.`,
  },
  {
    slug: 'request-a-new-online-access-code',
    audience: 'public',
    tags: ['online-access-code', 'expired-code'],
    title_en: 'How to request a new Online Access Code',
    body_en: `An Online Access Code is valid for 90 days. If you try to use an expired code, you see the message "Your Online Access Code has expired" with a link to request a new one.

1. Sign in and open My cases, then Add a case.
2. Enter the expired code and the date of birth as on your form.
3. Choose Request a new Online Access Code.

We mail you a new account acceptance notice with the new code within 30 days. If the case is for a beneficiary of Form I-134 or I-134A, the new code is sent by email to the address the supporter gave.`,
    title_es: 'Cómo pedir un nuevo Código de Acceso en Línea',
    body_es: `Un Código de Acceso en Línea es válido por 90 días. Si intenta usar un código vencido, verá el mensaje "Su Código de Acceso en Línea venció" con un enlace para pedir uno nuevo.

1. Inicie sesión y abra Mis casos, luego Agregar un caso.
2. Ingrese el código vencido y la fecha de nacimiento como aparece en su formulario.
3. Elija Pedir un nuevo Código de Acceso en Línea.

Le enviamos por correo un nuevo aviso de aceptación de cuenta con el código nuevo dentro de 30 días. Si el caso es de un beneficiario del Formulario I-134 o I-134A, el código nuevo se envía por correo electrónico a la dirección que dio el patrocinador.`,
  },
  {
    slug: 'caller-verification',
    audience: 'agents',
    tags: ['verification', 'interpreter', 'privacy'],
    title_en: 'Verifying a caller before sharing case information',
    body_en: `Share no case information until the caller has answered the verification questions. This applies to every channel: phone, chat and callbacks.

1. Ask for the receipt number, the full name of the person the case is for and their date of birth.
2. Ask one more question the record can confirm: the mailing address on file, or the A-Number if there is one.
3. If the caller is not the applicant, confirm that they are the attorney or accredited representative of record (a G-28 on file). Anyone else gets general information only.
4. If any answer does not match, do not share case details. Offer the public self-service options and end the case discussion politely.

Callers who speak a language other than English or Spanish may bring their own interpreter. The caller, not the interpreter, answers the verification questions; the interpreter only translates.

Record on the service item that verification passed, and how.`,
    title_es: 'Verificar a quien llama antes de dar información del caso',
    body_es: `No dé información del caso hasta que quien llama haya respondido las preguntas de verificación. Esto vale para todos los canales: teléfono, chat y devoluciones de llamada.

1. Pida el número de recibo, el nombre completo de la persona del caso y su fecha de nacimiento.
2. Haga una pregunta más que el expediente pueda confirmar: la dirección postal registrada o el Número A si lo hay.
3. Si quien llama no es el solicitante, confirme que es el abogado o representante acreditado registrado (un G-28 en el expediente). Cualquier otra persona recibe solo información general.
4. Si alguna respuesta no coincide, no dé detalles del caso. Ofrezca las opciones públicas de autoservicio y termine la conversación sobre el caso con cortesía.

Quienes hablan un idioma distinto del inglés o el español pueden traer su propio intérprete. Quien llama, no el intérprete, responde las preguntas de verificación; el intérprete solo traduce.

Anote en el artículo de servicio que la verificación fue exitosa y cómo.`,
  },
  {
    slug: 'section-1367-inquiries',
    audience: 'agents',
    tags: ['section-1367', 'vawa', 'privacy', 'tier3'],
    title_en: 'Handling Section 1367 (VAWA, T and U) inquiries',
    body_en: `Cases protected by Section 1367 (VAWA self-petitions, T visas for victims of trafficking and U visas for victims of crimes) are confidential. Tier 1 and Tier 2 do not handle these inquiries.

If the caller mentions VAWA, a T or U visa, or the case shows the Section 1367 protection:

1. Do not confirm or deny that a case exists, and share no information about it, even with a caller who passes verification.
2. Say that a specialist will help, and transfer the inquiry to Tier 3 (create the service item in the Tier 3 queue with the caller's safe contact details only).
3. Never leave a voicemail or send a message to a number or address the caller has not confirmed as safe.

Tier 3 handles the inquiry, including help scheduling an appointment.`,
    title_es: 'Cómo atender consultas de la Sección 1367 (VAWA, T y U)',
    body_es: `Los casos protegidos por la Sección 1367 (autopeticiones VAWA, visas T para víctimas de trata y visas U para víctimas de delitos) son confidenciales. El Nivel 1 y el Nivel 2 no atienden estas consultas.

Si quien llama menciona VAWA, una visa T o U, o el caso muestra la protección de la Sección 1367:

1. No confirme ni niegue que existe un caso y no dé información sobre él, aunque quien llama pase la verificación.
2. Diga que un especialista le ayudará y transfiera la consulta al Nivel 3 (cree el artículo de servicio en la cola del Nivel 3 solo con los datos de contacto seguros de quien llama).
3. Nunca deje un mensaje de voz ni envíe mensajes a un número o dirección que quien llama no haya confirmado como seguro.

El Nivel 3 atiende la consulta, incluida la ayuda para programar una cita.`,
  },
  {
    slug: 'expedite-requests',
    audience: 'agents',
    tags: ['expedite', 'service-request', 'emergency'],
    title_en: 'When to route expedite requests to the owning office',
    body_en: `The Contact Center does not decide expedite requests. The office that owns the case decides them under the published expedite criteria; we only send the request.

Send an expedite request to the owning office as a service request when the caller asks for faster processing of a pending case and gives a reason (for example severe financial loss, an urgent humanitarian reason, or a government interest). Record the reason in the caller's words. Do not promise an outcome or a date.

Expedite requests take no documents online. If the office needs proof, it asks the customer.

Emergencies are different: emergency advance parole for travel, or proof of status (ADIT stamp), are judged by the Contact Center and may lead to an appointment at a field office. Urgent appointment needs go to Tier 2.`,
    title_es: 'Cuándo enviar solicitudes de trámite acelerado a la oficina responsable',
    body_es: `El Centro de Contacto no decide las solicitudes de trámite acelerado. Las decide la oficina responsable del caso según los criterios publicados; nosotros solo enviamos la solicitud.

Envíe la solicitud de trámite acelerado a la oficina responsable como solicitud de servicio cuando quien llama pide procesar más rápido un caso pendiente y da un motivo (por ejemplo, una pérdida económica grave, un motivo humanitario urgente o un interés del gobierno). Anote el motivo con las palabras de quien llama. No prometa un resultado ni una fecha.

Las solicitudes de trámite acelerado no llevan documentos en línea. Si la oficina necesita pruebas, se las pide al cliente.

Las emergencias son distintas: el permiso de viaje adelantado de emergencia o la prueba de estatus (sello ADIT) los evalúa el Centro de Contacto y pueden llevar a una cita en una oficina local. Las necesidades urgentes de cita van al Nivel 2.`,
  },
  {
    slug: 'urgent-and-non-urgent-inquiries',
    audience: 'agents',
    tags: ['urgent', 'escalation', 'response-times'],
    title_en: 'Telling the customer whether an inquiry is urgent, and when to expect an answer',
    body_en: `Tier 1 answers from these articles when it can. When it cannot, tell the customer whether the inquiry is urgent or non-urgent, escalate it, and say when to expect an answer. The customer receives an email confirming the escalation.

Urgent inquiries are answered by email or return call within 24 to 72 hours. Non-urgent inquiries are answered within 30 business days.

Give the customer the service item number and tell them to keep it.`,
    title_es: 'Cómo decir al cliente si su consulta es urgente y cuándo esperar respuesta',
    body_es: `El Nivel 1 responde con estos artículos cuando puede. Cuando no puede, diga al cliente si la consulta es urgente o no urgente, escálela e indique cuándo esperar una respuesta. El cliente recibe un correo electrónico que confirma la escalación.

Las consultas urgentes se responden por correo electrónico o devolución de llamada en un plazo de 24 a 72 horas. Las no urgentes, en un plazo de 30 días hábiles.

Dé al cliente el número del artículo de servicio y pídale que lo guarde.`,
  },
];

/** Adds the demo articles that are missing (by slug), each as version 1 with no author. Returns how many were added. */
export async function seedKnowledgeArticles(db: DbHandle, deps: { clock: Clock; random: Random }): Promise<number> {
  let added = 0;
  for (const a of DEMO_ARTICLES) {
    await inTransaction(db, async (trx) => {
      const id = deps.random.uuid();
      const now = deps.clock.now();
      if (
        !(await repo.insertArticleIfNew(trx, {
          id,
          slug: a.slug,
          audience: a.audience,
          current_version: 1,
          created_at: now,
          updated_at: now,
          archived_at: null,
        }))
      )
        return;
      await repo.insertVersion(trx, {
        id: deps.random.uuid(),
        article_id: id,
        version: 1,
        audience: a.audience,
        title_en: a.title_en,
        body_en: a.body_en,
        title_es: a.title_es,
        body_es: a.body_es,
        tags: a.tags,
        author_id: null,
        change_note: 'Demo article',
        created_at: now,
      });
      added++;
    });
  }
  return added;
}
