; Inno Setup 6 script: per-machine installer for the one-folder tapdesk build.
;
; NOT BUILT OR RUN IN OUR CI: Inno Setup is Windows-only and our build machines are Linux.
; Keep this file small and have every change reviewed; test it on a Windows VM before a release:
;   On Windows, with Inno Setup 6 installed: py -3.11 packaging\build.py --targets windows
;   One command: the Windows wheelhouse, the bundle (built from that wheelhouse, so it always
;   holds the WAM broker, pymsalruntime; the build stops if it does not), this installer
;   (ISCC found on PATH or in its default folders) and SHA256SUMS for the archive and installer
;   -> packaging\out\tapdesk-<version>-setup.exe. By hand, after a build:
;   ISCC.exe /DAppVersion=0.1.0 /DNumericVersion=0.1.0.0 packaging\windows\tapdesk.iss
; Do not build with --skip-wheelhouse for a release: that skips the wheelhouse, not the broker
; (build.py then installs tapdesk[broker]), but the bundle's versions are no longer the pinned ones.
;
; Silent fleet install (administrator; exit code 0 on success):
;   tapdesk-0.1.0-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /SITECONFIG="\\server\share\tapdesk.toml"
;   Optional: /DIR="D:\Apps\tapdesk"  /LOG="C:\Windows\Temp\tapdesk-setup.log"  /TASKS="desktopicon"
; Install as administrator; RUN tapdesk as the technician. tapdesk refuses to run elevated (WAM
; fails there, and the audit must name the technician), so the "Launch tapdesk" box at the end
; starts it with the credentials Setup had before UAC (see [Run]).
; The site configuration is copied to C:\ProgramData\tapdesk\tapdesk.toml from /SITECONFIG=, or
; else from a tapdesk.toml next to the installer; with neither, an existing one is left alone.
; A /SITECONFIG= path that does not exist stops the install (exit code 1) rather than install
; a copy that points nowhere.
; Every install locks C:\ProgramData\tapdesk (administrators and SYSTEM write, users only read):
; tapdesk lets only that file relax security settings, so no standard user may write there.
; Silent uninstall: "C:\Program Files\tapdesk\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
; Uninstalling removes the program only: the site configuration and each user's settings, token
; cache, audit database and logs (under %LOCALAPPDATA%\tapdesk) stay.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\out\dist\tapdesk"
#endif
#ifndef NumericVersion
  ; Windows version resources take four numbers; build.py passes them (0.1.0 -> 0.1.0.0).
  #define NumericVersion "0.0.0.0"
#endif

[Setup]
AppId={{6F0B8E34-2C5A-4E0B-9C1D-7A3E5B2F9D41}
AppName=tapdesk
AppVersion={#AppVersion}
AppPublisher=tapdesk
DefaultDirName={autopf}\tapdesk
DefaultGroupName=tapdesk
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\out
OutputBaseFilename=tapdesk-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\tapdesk.exe
SetupIconFile=tapdesk.ico
; The installer's own version resource (Properties > Details of tapdesk-<version>-setup.exe).
VersionInfoVersion={#NumericVersion}
VersionInfoProductVersion={#NumericVersion}
VersionInfoProductTextVersion={#AppVersion}
VersionInfoTextVersion={#AppVersion}
VersionInfoProductName=tapdesk
VersionInfoDescription=tapdesk {#AppVersion} setup
VersionInfoCompany=tapdesk
; Closes a running tapdesk before [InstallDelete] and [Files] touch its folder.
CloseApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; Flags: unchecked

[InstallDelete]
; An upgrade must not keep the previous build's DLLs, Qt plugins or Python modules: PyInstaller
; names change between versions, and a stale one is loaded instead of (or beside) the new one.
; Processed first, after CloseApplications (https://jrsoftware.org/ishelp/topic_installorder.htm).
; Only the bundle's folder: the site configuration and users' data live elsewhere.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; The whole one-folder bundle: tapdesk.exe (window), tapdesk-cli.exe (commands), _internal\.
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "{code:SiteConfigSource}"; DestDir: "{commonappdata}\tapdesk"; DestName: "tapdesk.toml"; \
  Flags: external ignoreversion uninsneveruninstall; Check: HasSiteConfig

[Dirs]
; The site configuration's folder, made on every install (with or without a site file). Inno's
; Permissions only ADD entries to the inherited ACL, and ProgramData lets standard users create
; files in its subfolders (inherited "Users: create files / append data", and CREATOR OWNER full
; control on what they create), so the [Run] lines below replace the ACL itself.
Name: "{commonappdata}\tapdesk"; Permissions: admins-full system-full users-readexec; \
  Flags: uninsneveruninstall

[Icons]
Name: "{autoprograms}\tapdesk"; Filename: "{app}\tapdesk.exe"
Name: "{autodesktop}\tapdesk"; Filename: "{app}\tapdesk.exe"; Tasks: desktopicon

[Run]
; Lock the site folder (see [Dirs]), also against a folder a user made before this install:
; owner Administrators, each ACL reset, inheritance from ProgramData removed, then explicit
; entries by SID (group names are localized): S-1-5-32-544 Administrators full, S-1-5-18 SYSTEM
; full, S-1-5-32-545 Users read and execute, each for the folder, its subfolders and its files.
Filename: "{sys}\icacls.exe"; Parameters: """{commonappdata}\tapdesk"" /setowner *S-1-5-32-544 /T /C /Q"; \
  Flags: runhidden waituntilterminated; StatusMsg: "Locking the site configuration folder..."
Filename: "{sys}\icacls.exe"; Parameters: """{commonappdata}\tapdesk"" /reset /T /C /Q"; \
  Flags: runhidden waituntilterminated
Filename: "{sys}\icacls.exe"; Parameters: """{commonappdata}\tapdesk"" /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX /Q"; \
  Flags: runhidden waituntilterminated
; The launch at the end runs as the user who started Setup, never elevated: postinstall already
; implies it, runasoriginaluser says so (https://jrsoftware.org/ishelp/topic_runsection.htm). It
; cannot help when Setup itself was started with "Run as administrator" from an admin account;
; tapdesk then refuses to run elevated and says how to start it.
Filename: "{app}\tapdesk.exe"; Description: "{cm:LaunchProgram,tapdesk}"; \
  Flags: nowait postinstall skipifsilent runasoriginaluser

[Code]
function SiteConfigParam(): String;
begin
  Result := ExpandConstant('{param:SITECONFIG|}');
  if Result <> '' then
    Result := ExpandFileName(Result);
end;

function SiteConfigSource(Param: String): String;
begin
  Result := SiteConfigParam();
  if Result = '' then
    Result := ExpandConstant('{src}\tapdesk.toml');
end;

function HasSiteConfig(): Boolean;
begin
  Result := FileExists(SiteConfigSource(''));
end;

function InitializeSetup(): Boolean;
begin
  Result := True;
  if (SiteConfigParam() <> '') and not FileExists(SiteConfigParam()) then
  begin
    Log('Site configuration not found: ' + SiteConfigParam());
    SuppressibleMsgBox('The site configuration given with /SITECONFIG was not found:' + #13#10 +
      SiteConfigParam(), mbCriticalError, MB_OK, IDOK);
    Result := False;
  end;
end;
