; electron-builder NSIS include (electron-builder.json "nsis.include"). The office's config travels beside the
; installer: when keyroom-office.json sits in the same folder as Keyroom-Setup-<version>.exe (a share for Group
; Policy or Intune, or a download folder), it is copied into the installation folder, where the app reads it when
; the user has no config of their own (src/main/office-config-file.ts). It holds the project URL, the publishable
; key and optionally the update feed: no secret, so the copy needs no protection beyond the folder's own.
!macro customInstall
  IfFileExists "$EXEDIR\keyroom-office.json" 0 +2
    CopyFiles /SILENT "$EXEDIR\keyroom-office.json" "$INSTDIR\keyroom-office.json"
!macroend
