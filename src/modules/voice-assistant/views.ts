import { dateTimeFormatter } from '../../platform/format.js';
import type { FieldError } from '../../platform/views/components.js';
import { alert, csrfField, errorFor, table, textArea, textInput } from '../../platform/views/components.js';
import { titledStaffPage, type SignedIn, type StaffPageContext } from '../../platform/views/frame.js';
import { html, type SafeHtml } from '../../platform/views/html.js';
import type { Menu } from './menu.js';
import { TEXT_MAX } from './menu.js';
import type { VoiceMenuVersionRow } from './tables.js';

export function voiceMenuPage(
  ctx: StaffPageContext,
  p: {
    signedIn: SignedIn;
    version: number;
    menu: Menu;
    versions: VoiceMenuVersionRow[];
    timeZone: string;
    done?: boolean;
    values?: Record<string, { en: string; es: string }>;
    note?: string;
    errors?: FieldError[];
  },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  const when = dateTimeFormatter(ctx.lang, p.timeZone);
  return titledStaffPage(
    ctx,
    { signedIn: p.signedIn, errors },
    {
      title: t('voice_assistant:staff.title'),
      current: '/staff/voice-menu',
      body: html`${p.done ? alert({ type: 'success', slim: true, live: true, body: t('voice_assistant:staff.published', { version: p.version }) }) : ''}
<p class="usa-intro">${t('voice_assistant:staff.intro', { version: p.version })}</p>
<form method="post" action="/staff/voice-menu" class="usa-form usa-form--large" novalidate>
  ${csrfField(p.signedIn.csrf)}
  ${p.menu.nodes.map((node) => {
    const values = p.values?.[node.id] ?? node.prompt;
    return html`<fieldset class="usa-fieldset margin-top-3">
    <legend class="usa-legend usa-legend--large">${t('voice_assistant:staff.node', { id: node.id })}</legend>
    <p class="usa-hint">${t('voice_assistant:staff.options', {
      list: node.options
        .map((o) => `${o.digit}: ${o.target ? `→ ${o.target}` : t(`voice_assistant:actions.${o.action}`)}`)
        .join('; '),
    })}</p>
    ${textArea({ name: `node-${node.id}-en`, label: t('voice_assistant:staff.text_en'), value: values.en, maxlength: TEXT_MAX, error: errorFor(errors, `node-${node.id}-en`) })}
    ${textArea({ name: `node-${node.id}-es`, label: t('voice_assistant:staff.text_es'), value: values.es, maxlength: TEXT_MAX, error: errorFor(errors, `node-${node.id}-es`) })}
  </fieldset>`;
  })}
  ${textInput({ name: 'note', label: t('voice_assistant:staff.note'), hint: t('voice_assistant:staff.note_hint'), value: p.note ?? '', maxlength: 500 })}
  <button class="usa-button margin-top-2" type="submit">${t('voice_assistant:staff.publish')}</button>
</form>
<h2>${t('voice_assistant:staff.versions')}</h2>
${table({
  caption: t('voice_assistant:staff.versions_caption'),
  headers: [
    t('voice_assistant:staff.version'),
    t('voice_assistant:staff.published_at'),
    t('voice_assistant:staff.note'),
  ],
  rows: p.versions.map((v) => [String(v.version), when(v.published_at), v.note]),
  stacked: true,
})}`,
    },
  );
}
