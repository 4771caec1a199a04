package io.invoicesieve.tools.generator;

import java.util.SplittableRandom;

/** Free-text invoice descriptions per vendor category, as analysts see them. */
final class Descriptions {

    static final String[] MONTHS = {
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December"
    };
    private static final String[] CITIES = {
        "Hamburg", "Rotterdam", "Lyon", "Milano", "Madrid", "Leeds", "Chicago", "Newark", "Toronto",
        "Gdańsk", "Malmö", "Zürich", "München", "Antwerp", "Dublin"
    };
    private static final String[] PRODUCTS = {
        "Atlas CRM", "Nimbus Backup", "Relay Mail", "Quarry BI", "Beacon HR", "Ledgerly", "Pinecone VPN",
        "Harbor Git", "Sparrow Chat", "Orbit Analytics"
    };

    /** Categories; subscription vendors use the first four. */
    static final int SOFTWARE = 0;
    static final int CLOUD = 1;
    static final int TELECOM = 2;
    static final int UTILITIES = 3;
    static final int CATEGORIES = 15;

    private Descriptions() {
    }

    /**
     * A description for an invoice of the given category and date. The service month is usually the
     * month before the invoice date.
     */
    static String describe(int category, int product, int year, int month, SplittableRandom rnd) {
        int serviceMonth = rnd.nextInt(4) == 0 ? month : (month + 10) % 12 + 1;
        int serviceYear = serviceMonth > month ? year - 1 : year;
        String m = MONTHS[serviceMonth - 1];
        int q = (serviceMonth - 1) / 3 + 1;
        int n = 1000 + rnd.nextInt(9000);
        int t = rnd.nextInt(3);
        return switch (category) {
            case SOFTWARE -> t == 0 ? PRODUCTS[product] + " subscription " + m + ' ' + serviceYear
                    : t == 1 ? PRODUCTS[product] + " - " + (5 + rnd.nextInt(200)) + " seats, " + m
                    : "Support and maintenance Q" + q + ' ' + serviceYear;
            case CLOUD -> t == 0 ? "Cloud hosting " + m + ' ' + serviceYear
                    : t == 1 ? "Compute and storage usage " + m + ' ' + serviceYear
                    : "CDN traffic " + m;
            case TELECOM -> t == 0 ? "Mobile plan " + m + ' ' + serviceYear
                    : t == 1 ? "Internet line " + m : "Téléphonie fixe " + m;
            case UTILITIES -> t == 0 ? "Electricity " + m + ' ' + serviceYear
                    : t == 1 ? "Water and heating " + m : "Waste collection " + m + ' ' + serviceYear;
            case 4 -> t == 0 ? "Consulting services " + m
                    : t == 1 ? "Professional services " + m + ' ' + serviceYear
                    : "Advisory fees - project " + n;
            case 5 -> t == 0 ? "Office supplies order " + n
                    : t == 1 ? "Printer toner and paper, order " + n : "Büromaterial Bestellung " + n;
            case 6 -> t == 0 ? "Freight " + city(rnd) + " - " + city(rnd) + ", shipment " + n
                    : t == 1 ? "Courier services " + m : "Pallet storage " + m + ' ' + serviceYear;
            case 7 -> t == 0 ? "Cleaning services " + m
                    : t == 1 ? "Security services " + m + ' ' + serviceYear : "Büroreinigung " + m;
            case 8 -> t == 0 ? "Marketing campaign Q" + q
                    : t == 1 ? "Trade fair booth " + city(rnd) : "Print advertising " + m;
            case 9 -> t == 0 ? "Legal advisory, matter " + n
                    : t == 1 ? "Notary fees" : "Trademark filing " + n;
            case 10 -> t == 0 ? "Laptops x" + (2 + rnd.nextInt(40))
                    : t == 1 ? "Monitors and docking stations, order " + n : "Network switches (PO " + n + ")";
            case 11 -> t == 0 ? "Catering event " + m + ' ' + (1 + rnd.nextInt(28))
                    : t == 1 ? "Coffee machine service " + m : "Canteen services " + m;
            case 12 -> t == 0 ? "HVAC maintenance " + m
                    : t == 1 ? "Elevator inspection " + serviceYear : "Repair work order " + n;
            case 13 -> t == 0 ? "Temporary staff week " + (1 + rnd.nextInt(52))
                    : t == 1 ? "Contractor hours " + m : "Recruiting fee, candidate ref " + n;
            default -> t == 0 ? "Travel booking " + city(rnd) + ' ' + n
                    : t == 1 ? "Hotel " + city(rnd) + ", " + (1 + rnd.nextInt(6)) + " nights"
                    : "Rail and flights " + m;
        };
    }

    private static String city(SplittableRandom rnd) {
        return CITIES[rnd.nextInt(CITIES.length)];
    }
}
