package io.sparkbp.report;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Test helpers that read a report with the JDK's XML parser: the page must be well-formed XML (a
 * parse error fails the test), and elements are found with XPath.
 */
public final class Xhtml {
    private final Document doc;

    private Xhtml(Document doc) {
        this.doc = doc;
    }

    /** Parses {@code html} as XML, failing on any well-formedness error; no DTD or entity is loaded. */
    public static Xhtml parse(String html) {
        assertTrue(html.startsWith("<!DOCTYPE html>\n"), "starts with the HTML5 doctype");
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setExpandEntityReferences(false);
            f.setNamespaceAware(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return new Xhtml(b.parse(new InputSource(new StringReader(html))));
        } catch (Exception e) {
            throw new AssertionError("the report is not well-formed XML: " + e.getMessage(), e);
        }
    }

    public List<Element> all(String xpath) {
        try {
            NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET);
            List<Element> out = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                out.add((Element) nodes.item(i));
            }
            return out;
        } catch (Exception e) {
            throw new AssertionError("bad XPath " + xpath, e);
        }
    }

    public Element one(String xpath) {
        List<Element> found = all(xpath);
        assertEquals(1, found.size(), () -> "exactly one match for " + xpath);
        return found.get(0);
    }

    public Element byId(String id) {
        return one("//*[@id='" + id + "']");
    }

    /** Text contents of the cells of each body row of the table with {@code id}, header cells included. */
    public List<List<String>> rows(String id) {
        List<List<String>> rows = new ArrayList<>();
        for (Element tr : all("//*[@id='" + id + "']/tbody/tr")) {
            List<String> cells = new ArrayList<>();
            for (Node n = tr.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e) {
                    cells.add(e.getTextContent());
                }
            }
            rows.add(cells);
        }
        return rows;
    }

    /**
     * Nothing in the page can make a browser fetch anything: no script, link, image, frame, object
     * or embed element, no attribute holding a URL with a scheme (http:, https:, or any other
     * "x://"), no {@code url(} or {@code @import} in a style. URLs may appear as plain text.
     */
    public void assertLoadsNothing() {
        for (String tag : List.of("script", "link", "img", "iframe", "object", "embed", "image", "use", "foreignObject",
                "base", "audio", "video", "source")) {
            assertTrue(all("//" + tag).isEmpty(), () -> "no <" + tag + "> element");
        }
        for (Element e : all("//*")) {
            NamedNodeMap attrs = e.getAttributes();
            for (int i = 0; i < attrs.getLength(); i++) {
                String name = attrs.item(i).getNodeName();
                String value = attrs.item(i).getNodeValue();
                assertFalse(value.contains("://"), () -> "attribute " + name + "=\"" + value + "\" on <" + e.getTagName() + ">");
                assertFalse(name.startsWith("on"), () -> "event handler attribute " + name);
                assertFalse(name.equals("href") || name.equals("src") || name.equals("xlink:href"), () -> "attribute " + name);
                assertFalse(value.contains("url("), () -> "url( in attribute " + name);
            }
        }
        for (Element style : all("//style")) {
            assertFalse(style.getTextContent().contains("url("), "no url( in the style sheet");
            assertFalse(style.getTextContent().contains("@import"), "no @import in the style sheet");
            assertFalse(style.getTextContent().contains("@font-face"), "no web fonts");
        }
    }
}
