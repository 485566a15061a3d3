import type { FastifyReply } from 'fastify';
import type { Translate } from '../../platform/i18n/index.js';
import type { CaseDocument, DocumentFile } from './service.js';

/**
 * A document of a case as a download: inline for PDF and images the browser shows, under its own name, never
 * cached, never sniffed into another type.
 */
export function sendDocument(reply: FastifyReply, file: DocumentFile) {
  const name = file.fileName.replace(/[^A-Za-z0-9._-]/g, '_');
  return reply
    .type(file.contentType)
    .header('content-disposition', `inline; filename="${name}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
    .header('cache-control', 'private, no-store')
    .header('x-content-type-options', 'nosniff')
    .send(file.data);
}

/** How a document is named in lists: an agency document by its title, a notice by its kind; with its file type. */
export function documentLabel(t: Translate, d: Pick<CaseDocument, 'kind' | 'title' | 'content_type'>): string {
  const name = d.kind === 'agency_document' && d.title ? d.title : t(`cases_account:card.documents.${d.kind}`);
  return `${name} (${FILE_TYPE[d.content_type]})`;
}

const FILE_TYPE: Record<DocumentFile['contentType'], string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/tiff': 'TIFF',
};
