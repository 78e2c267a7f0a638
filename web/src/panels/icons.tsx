/** Drawn icons: emoji depend on the system's fonts, which a minimal Linux may not have. */
export function FolderIcon() {
  return (
    <svg class="folder-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M1.5 3.5h4.2l1.6 1.6h7.2v7.4h-13z" fill="none" stroke="currentColor" stroke-width="1.3" stroke-linejoin="round" />
    </svg>
  );
}

export function UpIcon() {
  return (
    <svg class="folder-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M8 13V4M4 7.5 8 3.5l4 4" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}
