import type { DbHandle } from '../../platform/db/database.js';
import { params, text, type App } from '../../platform/http/inputs.js';
import { html } from '../../platform/views/html.js';
import { table } from '../../platform/views/components.js';
import { layout } from '../../platform/views/layout.js';
import { findMessage, listRecent, listStatusEvents } from './repository.js';

/** /dev/outbox: what would have been emailed or texted, on a development machine (off in production). */
export function registerOutboxRoutes(app: App, deps: { db: DbHandle }): void {
  app.get('/dev/outbox', { config: { policy: 'dev-only' } }, async (request, reply) => {
    const { t } = request;
    const messages = await listRecent(deps.db, { transport: 'outbox', limit: 100 });
    return reply.html(
      layout(request.page(), {
        title: t('notifications:outbox.title'),
        main: html`<h1>${t('notifications:outbox.title')}</h1><p class="usa-intro">${t('notifications:outbox.intro')}</p>
${
  messages.length === 0
    ? html`<p>${t('notifications:outbox.empty')}</p>`
    : table({
        caption: t('notifications:outbox.caption'),
        headers: [
          t('notifications:outbox.subject'),
          t('notifications:outbox.channel'),
          t('notifications:outbox.to'),
          t('notifications:outbox.status'),
          t('notifications:outbox.created'),
        ],
        rows: messages.map((m) => [
          html`<a class="usa-link" href="/dev/outbox/${m.id}">${m.subject ?? m.body.slice(0, 80)}</a>`,
          t(`notifications:outbox.${m.channel}`),
          m.recipient,
          t(`notifications:statuses.${m.status}`),
          m.created_at.toISOString().replace('T', ' ').slice(0, 19),
        ]),
        stacked: true,
      })
}`,
      }),
    );
  });

  // Any id is read (the router caps it at 200 characters); one that is not a message's id is a 404.
  app.get(
    '/dev/outbox/:id',
    { config: { policy: 'dev-only' }, schema: { params: params({ id: text(200) }) } },
    async (request, reply) => {
      const { t } = request;
      const id = request.params.id;
      const message = /^[0-9a-f-]{36}$/i.test(id) ? await findMessage(deps.db, id) : undefined;
      if (!message || message.transport !== 'outbox') return reply.callNotFound();
      const events = await listStatusEvents(deps.db, id);
      return reply.html(
        layout(request.page(), {
          title: message.subject ?? t('notifications:outbox.sms'),
          main: html`<p><a class="usa-link" href="/dev/outbox">${t('notifications:outbox.back')}</a></p>
<h1>${message.subject ?? t('notifications:outbox.sms')}</h1>
<dl>
  <dt>${t('notifications:outbox.to')}</dt><dd>${message.recipient}</dd>
  <dt>${t('notifications:outbox.channel')}</dt><dd>${t(`notifications:outbox.${message.channel}`)}</dd>
  <dt>${t('notifications:outbox.status')}</dt><dd>${t(`notifications:statuses.${message.status}`)}</dd>
</dl>
<h2>${t('notifications:outbox.body')}</h2>
<pre class="bg-base-lightest padding-2 casedesk-pre" lang="${message.language}">${message.body}</pre>
<h2>${t('notifications:outbox.history')}</h2>
<ol>${events.map((e) => html`<li>${e.occurred_at.toISOString()}: ${t(`notifications:statuses.${e.status}`)}${e.reason ? html` (${e.reason})` : ''}</li>`)}</ol>`,
        }),
      );
    },
  );
}
