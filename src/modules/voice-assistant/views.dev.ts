import { layout } from '../../platform/views/layout.js';
import type { PageContext } from '../../platform/views/layout.js';
import { alert, csrfField, table, textInput } from '../../platform/views/components.js';
import { html, type SafeHtml } from '../../platform/views/html.js';

export interface PhoneScreen {
  sid: string;
  from: string;
  started: string;
  said: string[];
  ended: boolean;
  listening: boolean;
  queue?: string;
  hungUp?: boolean;
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

export function devPhonePage(
  ctx: PageContext,
  p: {
    csrf: string;
    texts: { recipient: string; body: string; created_at: Date }[];
    screen?: PhoneScreen;
    reply?: { from: string; body: string; answer?: string };
  },
): SafeHtml {
  const { t } = ctx;
  const s = p.screen;
  const hidden = s
    ? html`${csrfField(p.csrf)}<input type="hidden" name="call_sid" value="${s.sid}"><input type="hidden" name="from" value="${s.from}"><input type="hidden" name="started" value="${s.started}">`
    : '';
  const call = !s
    ? html`<form method="post" action="/dev/phone/call" class="usa-form">
  ${csrfField(p.csrf)}
  ${textInput({ name: 'from', label: t('voice_assistant:phone.from'), hint: t('voice_assistant:phone.from_hint'), value: '+12025550123', inputmode: 'tel' })}
  <button class="usa-button margin-top-2" type="submit">${t('voice_assistant:phone.call')}</button>
</form>`
    : html`<section aria-labelledby="said-heading">
  <h2 id="said-heading">${t('voice_assistant:phone.said')}</h2>
  <div aria-live="polite">${s.said.length ? s.said.map((x) => html`<p class="bg-base-lightest padding-2">${x}</p>`) : html`<p>${t('voice_assistant:phone.nothing_said')}</p>`}</div>
  ${s.queue ? alert({ type: 'info', slim: true, body: t('voice_assistant:phone.in_queue', { queue: s.queue }) }) : ''}
  ${s.ended ? alert({ type: 'info', slim: true, body: t(s.hungUp ? 'voice_assistant:phone.you_hung_up' : 'voice_assistant:phone.ended') }) : ''}
</section>
${
  s.ended
    ? html`<p><a class="usa-button" href="/dev/phone">${t('voice_assistant:phone.new_call')}</a></p>`
    : html`${
        s.listening
          ? html`<form method="post" action="/dev/phone/step" class="margin-top-2">
  ${hidden}<input type="hidden" name="action" value="press">
  <fieldset class="usa-fieldset"><legend class="usa-legend">${t('voice_assistant:phone.keypad')}</legend>
  <div class="grid-row grid-gap-1 maxw-card-lg">${KEYS.map((k) => html`<div class="grid-col-4 margin-bottom-1"><button class="usa-button usa-button--outline width-full" type="submit" name="digits" value="${k}">${k}</button></div>`)}</div>
  </fieldset>
</form>
<form method="post" action="/dev/phone/step" class="usa-form margin-top-2">
  ${hidden}<input type="hidden" name="action" value="press">
  ${textInput({ name: 'digits', id: 'many-digits', label: t('voice_assistant:phone.digits'), hint: t('voice_assistant:phone.digits_hint'), inputmode: 'numeric', maxlength: 20 })}
  <button class="usa-button margin-top-1" type="submit">${t('voice_assistant:phone.send_digits')}</button>
</form>
<form method="post" action="/dev/phone/step" class="usa-form margin-top-2">
  ${hidden}<input type="hidden" name="action" value="speak">
  ${textInput({ name: 'speech', label: t('voice_assistant:phone.speech'), hint: t('voice_assistant:phone.speech_hint'), maxlength: 300 })}
  <button class="usa-button margin-top-1" type="submit">${t('voice_assistant:phone.speak')}</button>
</form>
<form method="post" action="/dev/phone/step" class="margin-top-2">
  ${hidden}<input type="hidden" name="action" value="silence">
  <button class="usa-button usa-button--outline" type="submit">${t('voice_assistant:phone.silence')}</button>
</form>`
          : ''
      }
<form method="post" action="/dev/phone/step" class="margin-top-2">
  ${hidden}<input type="hidden" name="action" value="hangup">
  <button class="usa-button usa-button--secondary" type="submit">${t('voice_assistant:phone.hang_up')}</button>
</form>`
}`;
  return layout(ctx, {
    title: t('voice_assistant:phone.title'),
    main: html`<h1>${t('voice_assistant:phone.title')}</h1>
<p class="usa-intro">${t('voice_assistant:phone.intro')}</p>
${call}
<h2 class="margin-top-4">${t('voice_assistant:phone.texts')}</h2>
${p.reply ? alert({ type: 'info', slim: true, body: html`${t('voice_assistant:phone.replied', { body: p.reply.body, from: p.reply.from })}${p.reply.answer ? html` ${t('voice_assistant:phone.answer', { answer: p.reply.answer })}` : ''}` }) : ''}
${
  p.texts.length === 0
    ? html`<p>${t('voice_assistant:phone.no_texts')}</p>`
    : table({
        caption: t('voice_assistant:phone.texts_caption'),
        headers: [t('voice_assistant:phone.to'), t('voice_assistant:phone.text'), t('voice_assistant:phone.reply')],
        rows: p.texts.map((m, i) => [
          m.recipient,
          m.body,
          html`<form method="post" action="/dev/phone/text" class="usa-form">${csrfField(p.csrf)}<input type="hidden" name="from" value="${m.recipient}">
  ${textInput({ name: 'body', id: `reply-${i}`, label: t('voice_assistant:phone.reply_label', { to: m.recipient }), maxlength: 160, width: 'sm' })}
  <button class="usa-button usa-button--outline margin-top-1" type="submit">${t('voice_assistant:phone.send')}</button></form>`,
        ]),
        stacked: true,
      })
}`,
  });
}
