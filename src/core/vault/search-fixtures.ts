// Synthetic but office-like entry summaries for search tests and the benchmark: service names,
// people, hosts, categories and short notes, from a seeded generator so runs are comparable.
import type { SearchDoc } from './search';

const SERVICES = [
  'GitHub',
  'Gmail',
  'Office 365',
  'Slack',
  'Zoom',
  'Dropbox',
  'Salesforce',
  'QuickBooks',
  'Xero',
  'Jira',
  'Confluence',
  'AWS Console',
  'Azure Portal',
  'Google Ads',
  'LinkedIn',
  'Twitter',
  'Facebook Page',
  'Shopify',
  'Stripe',
  'PayPal',
  'Mailchimp',
  'HubSpot',
  'Trello',
  'Asana',
  'Notion',
  'Figma',
  'Adobe',
  'Canva',
  'DocuSign',
  'Bank of Ireland',
  'Revolut Business',
  'Vodafone',
  'Router',
  'Printer',
  'Wi-Fi',
  'NAS',
  'Alarm Panel',
  'Domain Registrar',
  'Cloudflare',
  'WordPress',
  'cPanel',
  'Payroll',
  'Pension Portal',
  'Insurance',
  'Courier',
];
const PEOPLE = [
  'anna',
  'brian',
  'ciara',
  'declan',
  'eoin',
  'fiona',
  'grainne',
  'hugh',
  'isabel',
  'jack',
  'kate',
  'liam',
  'maeve',
  'niall',
  'orla',
  'padraig',
  'roisin',
  'sean',
  'tara',
  'una',
  'victor',
  'william',
  'xavier',
  'yvonne',
];
const CATEGORIES = [
  'Finance',
  'Marketing',
  'IT',
  'Social',
  'Office',
  'Suppliers',
  'HR',
  'Development',
  'Sales',
];
const NOTES = [
  'Shared with accounts team',
  'Renew every March',
  'Admin account, do not share',
  'Backup codes in the safe',
  'Ask Brian before changing',
  'Used by the front desk',
  'Second factor on the office phone',
  '',
  'Legacy login, migrate soon',
  'Guest network for visitors',
  'Read-only reporting user',
  'Billing contact',
];

/** Deterministic PRNG (mulberry32): fixtures, not secrets. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticDocs(count: number, seed = 7): SearchDoc[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  return Array.from({ length: count }, (_, i) => {
    const service = pick(SERVICES);
    const person = pick(PEOPLE);
    const host = `${service.toLowerCase().replace(/[^a-z0-9]+/g, '')}${i % 7 === 0 ? `-${i}` : ''}.example.com`;
    return {
      id: `doc-${i}`,
      title: `${service} ${i % 3 === 0 ? person : pick(CATEGORIES)} ${i}`,
      username: `${person}.${pick(PEOPLE)}@office.example`,
      url: `https://${host}/login`,
      category: pick(CATEGORIES),
      notes: `${pick(NOTES)} ${pick(NOTES)}`.trim(),
    };
  });
}
