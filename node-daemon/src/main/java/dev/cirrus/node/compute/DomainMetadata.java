package dev.cirrus.node.compute;

import java.io.IOException;
import java.io.StringReader;
import java.util.Optional;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The Cirrus block inside a domain's {@code <metadata>}: written by {@link DomainXmlRenderer}, read back
 * (from {@code virsh dumpxml} or libvirt's metadata API) to find which VirtualMachine owns a domain.
 * libvirt keeps one element per namespace URI and may rewrite the prefix, so readers match the URI only.
 */
public final class DomainMetadata {
    public static final String NAMESPACE = "https://cirrus.dev/xmlns/domain/v1alpha1";
    public static final String PREFIX = "cirrus";
    /** Local name of the element under {@code <metadata>}. */
    public static final String OWNER_ELEMENT = "owner";

    private DomainMetadata() {
    }

    static XmlElement ownerElement(DomainOwner owner) {
        XmlElement element = XmlElement.element(PREFIX + ":" + OWNER_ELEMENT)
                .attr("xmlns:" + PREFIX, NAMESPACE)
                .child(PREFIX + ":uid", owner.vmUid())
                .child(PREFIX + ":namespace", owner.namespace())
                .child(PREFIX + ":name", owner.vmName())
                .child(PREFIX + ":generation", owner.generation());
        if (owner.node() != null) {
            element.child(PREFIX + ":node", owner.node());
        }
        if (owner.restart() != null) {
            element.child(PREFIX + ":restart", owner.restart());
        }
        return element;
    }

    /**
     * The owner recorded in a full domain XML (or in the bare owner element), or empty when the
     * domain carries no Cirrus metadata, i.e. it is not ours to adopt or collect.
     *
     * @throws IllegalArgumentException when the XML is malformed or the Cirrus block is incomplete
     */
    public static Optional<DomainOwner> readOwner(String xml) {
        Document document = parse(xml);
        NodeList owners = document.getElementsByTagNameNS(NAMESPACE, OWNER_ELEMENT);
        if (owners.getLength() == 0) {
            return Optional.empty();
        }
        Element owner = (Element) owners.item(0);
        String generation = childText(owner, "generation");
        try {
            return Optional.of(new DomainOwner(childText(owner, "uid"), childText(owner, "namespace"),
                    childText(owner, "name"), Long.parseLong(generation.trim()),
                    optionalChildText(owner, "node"), optionalChildText(owner, "restart")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Cirrus domain metadata has a bad generation: " + generation, e);
        }
    }

    private static String optionalChildText(Element parent, String localName) {
        NodeList nodes = parent.getElementsByTagNameNS(NAMESPACE, localName);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent();
    }

    private static String childText(Element parent, String localName) {
        NodeList nodes = parent.getElementsByTagNameNS(NAMESPACE, localName);
        if (nodes.getLength() == 0) {
            throw new IllegalArgumentException("Cirrus domain metadata lacks <" + localName + ">");
        }
        return nodes.item(0).getTextContent();
    }

    private static Document parse(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            // Domain XML never needs a DTD; refusing them rules out entity expansion tricks.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            // The default handler prints "[Fatal Error]" to stderr before throwing; the exception is enough.
            builder.setErrorHandler(new DefaultHandler());
            return builder.parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException | IOException e) {
            throw new IllegalStateException("cannot set up an XML parser", e);
        } catch (SAXException e) {
            throw new IllegalArgumentException("domain XML is malformed: " + e.getMessage(), e);
        }
    }
}
