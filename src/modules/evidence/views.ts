import {
  alert,
  button,
  csrfField,
  errorFor,
  fileInput,
  table,
  type FieldError,
} from '../../platform/views/components.js';
import { classes, html, type SafeHtml } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import { page, type SignedIn } from '../../platform/views/frame.js';
import { longCalendarDate, longDate } from '../../platform/format.js';
import type { EvidenceService } from './service.js';

type Overview = NonNullable<Awaited<ReturnType<EvidenceService['overview']>>>;

const TAG: Record<string, string> = {
  uploaded: '',
  checking: 'bg-accent-warm-dark',
  accepted: 'bg-green',
  rejected: 'bg-secondary-dark',
};

function uploadForm(
  ctx: PageContext,
  p: { csrf: string; receipt: string; kind: 'evidence' | 'rfe_response'; error?: string },
): SafeHtml {
  const { t } = ctx;
  return html`<form class="usa-form usa-form--large" method="post" action="/account/cases/${p.receipt}/evidence" enctype="multipart/form-data">
  ${csrfField(p.csrf)}
  <input type="hidden" name="kind" value="${p.kind}">
  ${fileInput({ name: 'files', id: `files-${p.kind}`, label: t(`evidence:${p.kind}.label`), hint: t('evidence:hint'), error: p.error, multiple: true })}
  ${button(t(`evidence:${p.kind}.submit`))}
</form>`;
}

export function evidencePage(
  ctx: PageContext & { timeZone: string },
  p: SignedIn & { o: Overview; notice?: string; errors?: FieldError[] },
): SafeHtml {
  const { t, lang } = ctx;
  const receipt = p.o.card.view.receiptNumber;
  const errors = p.errors ?? [];
  const rfe = p.o.card.openRfe;
  return page(
    ctx,
    `${receipt}: ${t('evidence:title')}`,
    html`<p><a class="usa-link" href="/account/cases/${receipt}">${t('evidence:back')}</a></p>
<h1>${t('evidence:title')} <span class="casedesk-receipt">${receipt}</span></h1>
${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
${
  p.o.rfeOpen && rfe
    ? html`<section aria-labelledby="rfe-heading"><h2 id="rfe-heading">${t('evidence:rfe_response.heading')}</h2>
<p>${t('evidence:rfe_response.intro', { due: longCalendarDate(rfe.responseDue, lang) })}</p>
${uploadForm(ctx, { csrf: p.csrf, receipt, kind: 'rfe_response', error: errorFor(errors, 'files-rfe_response') })}</section>`
    : ''
}
${
  p.o.canUploadEvidence
    ? html`<section aria-labelledby="evidence-heading"><h2 id="evidence-heading">${t('evidence:evidence.heading')}</h2>
<p>${t('evidence:evidence.intro')}</p>
${uploadForm(ctx, { csrf: p.csrf, receipt, kind: 'evidence', error: errorFor(errors, 'files-evidence') })}</section>`
    : ''
}
<h2>${t('evidence:sent.heading')}</h2>
${
  p.o.submissions.length
    ? p.o.submissions.map((s) =>
        table({
          caption: t('evidence:sent.caption', {
            kind: t(`evidence:kinds.${s.kind}`),
            date: longDate(s.created_at, lang, ctx.timeZone),
          }),
          headers: [t('evidence:sent.file'), t('evidence:sent.size'), t('evidence:sent.state')],
          rows: s.files.map((f) => [
            f.file_name,
            `${Math.max(1, Math.round(f.byte_size / 1024))} KB`,
            html`<span class="${classes('usa-tag', TAG[f.state])}">${t(`evidence:states.${f.state}`)}</span>${f.reason ? html` ${t(`evidence:reasons.${f.reason}`)}` : ''}`,
          ]),
          stacked: true,
        }),
      )
    : html`<p>${t('evidence:sent.none')}</p>`
}`,
    errors,
    p,
  );
}
