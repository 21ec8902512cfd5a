"""Writing an export's bytes exactly as the tool does: CSV text lines with the tool's delimiter, quoting,
line ends, encoding and BOM (no csv-module guesses), a one-sheet XLSX, and every file replaced whole."""
from __future__ import annotations

import io
import os
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable
from xml.sax.saxutils import escape


def csv_cell(value: object, delimiter: str, force: Callable[[str], bool] | None = None) -> str:
    s = "" if value is None else str(value)
    if (delimiter in s or '"' in s or "\n" in s or "\r" in s or (force is not None and force(s))):
        return '"' + s.replace('"', '""') + '"'
    return s


def write_bytes(path: Path, data: bytes) -> Path:
    """Writes a new file and renames it over the old one (unchanged bytes are left alone): a hard link
    to the old export, such as roi's raw archive (data/raw/), keeps the bytes it was made from."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() and path.read_bytes() == data:
        return path
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def write_table(path: Path, rows: list[list[object]], *, delimiter: str = ",", newline: str = "\n",
                encoding: str = "utf-8", bom: bool = False, preamble: Iterable[str] = (),
                force: Callable[[str], bool] | None = None, final_newline: bool = True,
                footer: Iterable[str] = ()) -> Path:
    """Writes text lines exactly (no csv-module guesses): the tools differ in BOM, quoting and EOL."""
    lines = list(preamble) + [delimiter.join(csv_cell(v, delimiter, force) for v in r) for r in rows] + list(footer)
    text = newline.join(lines) + (newline if final_newline else "")
    if encoding == "utf-16":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    else:
        data = (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)
    return write_bytes(path, data)


def _xlsx_column(i: int) -> str:
    name, i = "", i + 1
    while i:
        i, rest = divmod(i - 1, 26)
        name = chr(65 + rest) + name
    return name


_XLSX_PARTS = {
    "[Content_Types].xml":
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
    "_rels/.rels":
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml":
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels":
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'styles" Target="styles.xml"/></Relationships>',
    "xl/styles.xml":
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
}


def write_xlsx(path: Path, rows: list[list[object]], *, when: datetime, sheet: str = "Sheet1") -> Path:
    """A one-sheet workbook: str cells as inline text, int/float cells as numbers. Stored, not deflated,
    with fixed member times: the bytes depend neither on the zlib build nor on the clock."""
    xml_rows = []
    for i, row in enumerate(rows, 1):
        cells = []
        for j, v in enumerate(row):
            ref = f"{_xlsx_column(j)}{i}"
            if v is None or v == "":
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                cells.append(f'<c r="{ref}"><v>{v!r}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>')
        xml_rows.append(f'<row r="{i}">{"".join(cells)}</row>')
    width = max((len(r) for r in rows), default=1)
    sheet_xml = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                 f'<dimension ref="A1:{_xlsx_column(width - 1)}{max(1, len(rows))}"/>'
                 f'<sheetData>{"".join(xml_rows)}</sheetData></worksheet>')
    parts = dict(_XLSX_PARTS)
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace("{sheet}", escape(sheet))
    parts["xl/worksheets/sheet1.xml"] = sheet_xml
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, xml in parts.items():
            info = zipfile.ZipInfo(name, date_time=(when.year, when.month, when.day, when.hour, when.minute, 0))
            info.create_system, info.external_attr = 0, 0
            archive.writestr(info, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml)
    return write_bytes(path, buffer.getvalue())
