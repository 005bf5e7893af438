// Element ids that the keyboard shortcuts and the screens share.
export const SEARCH_INPUT_ID = 'vault-search';
export const DETAIL_PANE_ID = 'detail-pane';
