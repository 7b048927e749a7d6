"""Text of a WeasyPrint PDF, page by page, for assertions.

Neither pypdf nor poppler's pdftotext is installed on our machines, so this
reads the small subset of PDF that WeasyPrint writes: Flate streams, object
streams, Type0 fonts with ToUnicode CMaps and hex glyph strings in Tj/TJ.
"""

import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.S)
STREAM = re.compile(rb"^(<<.*?>>)\s*stream\r?\n(.*)\r?\nendstream$", re.S)
REF = rb"(\d+) 0 R"
TOKENS = re.compile(rb"/([A-Za-z0-9+_.-]+)\s+[\d.]+\s+Tf|<([0-9a-fA-F]*)>|\bET\b|(-?\d+(?:\.\d+)?)(?=[<\]])")


def _objects(data):
    objects = {}
    for number, body in OBJECT.findall(data):
        objects[int(number)] = body
    for body in list(objects.values()):
        match = STREAM.match(body)
        if match and b"/ObjStm" in match.group(1):
            content = zlib.decompress(match.group(2))
            count = int(re.search(rb"/N (\d+)", match.group(1)).group(1))
            first = int(re.search(rb"/First (\d+)", match.group(1)).group(1))
            numbers = [int(x) for x in content[:first].split()]
            pairs = list(zip(numbers[0::2], numbers[1::2], strict=True))[:count]
            for index, (number, offset) in enumerate(pairs):
                end = first + pairs[index + 1][1] if index + 1 < len(pairs) else len(content)
                objects[number] = content[first + offset : end].strip()
    return objects


def _stream(objects, number):
    match = STREAM.match(objects[number])
    body = match.group(2)
    return zlib.decompress(body) if b"FlateDecode" in match.group(1) else body


def _cmap(text):
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def _fonts(objects):
    """{resource name: cmap}, from every `/Name N 0 R` that points at a font with a ToUnicode map."""
    unicode_maps = {}
    for number, body in objects.items():
        to_unicode = re.search(rb"/ToUnicode " + REF, body)
        if to_unicode and b"/Type /Font" in body:
            unicode_maps[number] = _cmap(_stream(objects, int(to_unicode.group(1))))
    fonts = {}
    for body in objects.values():
        for name, number in re.findall(rb"/([A-Za-z0-9+_.-]+)\s+" + REF, body):
            if int(number) in unicode_maps:
                fonts[name.decode()] = unicode_maps[int(number)]
    return fonts


def _page_text(content, fonts):
    out, cmap = [], {}
    for token in re.finditer(
        rb"/([A-Za-z0-9+_.-]+)\s+[\d.]+\s+Tf|<([0-9a-fA-F]*)>|\bET\b|(-?\d+(?:\.\d+)?)(?=[<\]])", content
    ):
        if token.group(1):
            cmap = fonts.get(token.group(1).decode(), {})
        elif token.group(2) is not None:
            hexes = token.group(2).decode()
            out.extend(cmap.get(int(hexes[i : i + 4], 16), "") for i in range(0, len(hexes), 4))
        elif token.group(3) is not None:
            if float(token.group(3)) < -250:
                out.append(" ")
        else:
            out.append("\n")
    return "".join(out)


def pdf_pages(data):
    """[text of page 1, text of page 2, …]."""
    objects = _objects(data)
    fonts = _fonts(objects)
    pages = []
    root_pages = next(number for number, body in objects.items() if re.search(rb"/Type\s*/Pages\b", body))

    def walk(number):
        body = objects[number]
        if re.search(rb"/Type\s*/Pages\b", body):
            kids = re.search(rb"/Kids\s*\[(.*?)\]", body, re.S).group(1)
            for kid in re.findall(REF, kids):
                walk(int(kid))
            return
        contents = re.search(rb"/Contents\s*(\[.*?\]|" + REF + rb")", body, re.S).group(1)
        text = "".join(_page_text(_stream(objects, int(ref)), fonts) for ref in re.findall(REF, contents))
        pages.append(text)

    walk(root_pages)
    return pages


def pdf_text(data):
    return "\n".join(pdf_pages(data))
